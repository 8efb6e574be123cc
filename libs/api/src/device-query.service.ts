import { Inject, Injectable } from '@nestjs/common';
import type { DeviceListQuery, ReadingsQuery, SeriesQuery } from '@ioc/contracts';
import { DOMAIN_OF_DEVICE_TYPE, type Device, type DeviceType, type Domain } from '@ioc/domain';
import { CLOCK, type Clock } from '@ioc/platform';
import {
  DeviceRepository,
  isRollupName,
  ReadingsRepository,
  ROLLUP_NAMES,
  TimeseriesRepository,
  type RollupRow,
  type StoredReading,
} from '@ioc/storage';
import { ApiServiceError } from './api.errors';
import { API_CITY, DEFAULT_SILENCE_AFTER_MS, type ApiCity } from './city';

/** A device as the console shows it: the city model's placement joined with the registry's status and last message. */
export interface DeviceView {
  readonly id: string;
  readonly type: DeviceType;
  readonly domain: Domain;
  readonly name: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly ward: string | null;
  readonly catchment: string | null;
  readonly routeId: string | null;
  /** In seeds/devices.json (the city model). */
  readonly inCityModel: boolean;
  /** Registry status; `unregistered` for a device of the city model that has never sent a message. */
  readonly status: 'active' | 'disabled' | 'unregistered';
  readonly provisioned: boolean;
  readonly lastSeenAt: string | null;
  /** Heard from within its type's silence limit (the device-offline rule's). */
  readonly online: boolean;
  readonly staleAfterS: number;
}

const HOUR_MS = 3_600_000;

@Injectable()
export class DeviceQueryService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly readingsRepo: ReadingsRepository,
    private readonly series: TimeseriesRepository,
    @Inject(API_CITY) private readonly city: ApiCity,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(q: DeviceListQuery): Promise<DeviceView[]> {
    const registry = await this.devices.list({ types: q.type, domain: q.domain });
    const byId = new Map(registry.map((d) => [d.id, d]));
    const ids = new Set<string>(registry.map((d) => d.id));
    for (const d of this.city.topology.devices.values()) {
      if ((!q.type || q.type.includes(d.type)) && (!q.domain || DOMAIN_OF_DEVICE_TYPE[d.type] === q.domain))
        ids.add(d.id);
    }
    const now = this.clock.nowMs();
    return [...ids]
      .sort()
      .map((id) => this.view(id, byId.get(id), now))
      .filter((v): v is DeviceView => v !== undefined)
      .filter(
        (v) =>
          (!q.ward || v.ward === q.ward) &&
          (!q.status || v.status === q.status) &&
          (q.online === undefined || v.online === q.online),
      );
  }

  async get(id: string): Promise<DeviceView> {
    const v = this.view(id, (await this.devices.findById(id)) ?? undefined, this.clock.nowMs());
    if (!v) throw new ApiServiceError('DEVICE_NOT_FOUND', `no device "${id}"`, { deviceId: id });
    return v;
  }

  /** Stored readings, newest first; default the last 24 h. */
  async readings(id: string, q: ReadingsQuery): Promise<StoredReading[]> {
    const device = await this.get(id);
    const to = q.to ?? new Date(this.clock.nowMs());
    const from = q.from ?? new Date(to.getTime() - 24 * HOUR_MS);
    if (from >= to) throw new ApiServiceError('REQUEST_INVALID', 'from must be before to');
    return this.readingsRepo.history(id, device.domain, from, to, q.limit);
  }

  /** Bucketed aggregates of one rollup; default the last 6 h (1m rollups) or 7 days (1h rollups); at most 31 days of 1m buckets. */
  async timeseries(
    id: string,
    q: SeriesQuery,
  ): Promise<{ rollup: string; from: string; to: string; points: RollupRow[] }> {
    if (!isRollupName(q.rollup))
      throw new ApiServiceError('REQUEST_INVALID', `rollup must be one of ${ROLLUP_NAMES.join(', ')}`, {
        rollup: q.rollup,
      });
    await this.get(id);
    const minute = q.rollup.endsWith('_1m');
    const to = q.to ?? new Date(this.clock.nowMs());
    const from = q.from ?? new Date(to.getTime() - (minute ? 6 * HOUR_MS : 7 * 24 * HOUR_MS));
    if (from >= to) throw new ApiServiceError('REQUEST_INVALID', 'from must be before to');
    if (minute && to.getTime() - from.getTime() > 31 * 24 * HOUR_MS)
      throw new ApiServiceError('REQUEST_INVALID', 'a 1m rollup spans at most 31 days; use the 1h rollup');
    const points = await this.series.series({ rollup: q.rollup, deviceId: id, from, to });
    return { rollup: q.rollup, from: from.toISOString(), to: to.toISOString(), points };
  }

  private view(id: string, reg: Device | undefined, now: number): DeviceView | undefined {
    const node = this.city.topology.devices.get(id);
    if (!node && !reg) return undefined;
    const type = (reg?.type ?? node!.type) as DeviceType;
    const staleMs = this.city.silenceAfterMs[type] ?? DEFAULT_SILENCE_AFTER_MS;
    const lastSeen = reg?.lastSeenAt ?? null;
    return {
      id,
      type,
      domain: reg?.domain ?? DOMAIN_OF_DEVICE_TYPE[type],
      name: reg?.name ?? null,
      lat: reg?.lat ?? node?.lat ?? null,
      lon: reg?.lon ?? node?.lon ?? null,
      ward: node?.ward ?? reg?.zoneId ?? null,
      catchment: node?.catchment ?? null,
      routeId: node?.routeId ?? null,
      inCityModel: node !== undefined,
      status: reg?.status ?? 'unregistered',
      provisioned: reg?.provisioned ?? false,
      lastSeenAt: lastSeen?.toISOString() ?? null,
      online: lastSeen !== null && now - lastSeen.getTime() <= staleMs,
      staleAfterS: staleMs / 1000,
    };
  }
}
