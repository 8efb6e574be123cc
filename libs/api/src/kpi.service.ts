import { Inject, Injectable } from '@nestjs/common';
import type { KpiReport } from '@ioc/contracts';
import { CLOCK, IOC_CONFIG, type IocConfig, type TimerClock } from '@ioc/platform';
import { DeviceRepository, KpiRepository, ReadingsRepository } from '@ioc/storage';
import { API_CITY, type ApiCity } from './city';
import {
  activeIncidentsByDomain,
  binsEmptiedOnTime,
  cameraUptime,
  devicesOfType,
  floodSensorsOverWarning,
} from './kpi';

const DAY_MS = 86_400_000;

/** The KPI tiles of the console; each definition is in kpi.ts and docs/operators.md (KPIs). */
@Injectable()
export class KpiService {
  /** The first truck report, once found (it only moves when retention drops a year of data). */
  private observedFrom: number | null = null;

  constructor(
    private readonly kpis: KpiRepository,
    private readonly devices: DeviceRepository,
    private readonly readings: ReadingsRepository,
    @Inject(API_CITY) private readonly city: ApiCity,
    @Inject(CLOCK) private readonly clock: TimerClock,
    @Inject(IOC_CONFIG) private readonly config: Pick<IocConfig, 'clock'>,
  ) {}

  async report(window: { from?: Date; to?: Date } = {}): Promise<KpiReport> {
    const now = this.clock.nowMs();
    const to = window.to?.getTime() ?? now;
    const from = window.from?.getTime() ?? to - DAY_MS;
    const { topology } = this.city;

    const active = activeIncidentsByDomain(await this.kpis.activeIncidents());

    const sensors = devicesOfType(topology, 'water-level-sensor').map((d) => d.id);
    const latest = await this.readings.latest(sensors);
    const levels = new Map<string, { at: number; levelCm: number }>();
    for (const [id, r] of latest)
      if (typeof r.values.levelCm === 'number') levels.set(id, { at: r.time.getTime(), levelCm: r.values.levelCm });
    const flood = floodSensorsOverWarning(topology, levels, now);

    const registry = await this.devices.list({ types: ['camera', 'truck'] });
    const registryCameras = registry.filter((d) => d.type === 'camera');
    const cameraIds = new Set([
      ...devicesOfType(topology, 'camera').map((d) => d.id),
      ...registryCameras.map((d) => d.id),
    ]);
    const lastSeen = new Map(registryCameras.filter((d) => d.lastSeenAt).map((d) => [d.id, d.lastSeenAt!.getTime()]));
    const cameras = cameraUptime(cameraIds, lastSeen, now);

    // Pick-ups from a day before the window: a shift may start before `from` and end inside it.
    const pickups = (await this.kpis.pickups(new Date(from - DAY_MS), new Date(to))).map((p) => ({
      binId: p.binId,
      at: p.at.getTime(),
    }));
    const truckIds = () => [
      ...new Set([...devicesOfType(topology, 'truck'), ...registry.filter((d) => d.type === 'truck')].map((d) => d.id)),
    ];
    const observedFrom = await this.collectionObservedFrom(truckIds);
    const bins = binsEmptiedOnTime(
      topology.routes.values(),
      pickups,
      from,
      Math.min(to, now),
      topology.utcOffsetMin,
      observedFrom,
    );

    const times = await this.kpis.responseTimes(new Date(from), new Date(to));
    return {
      at: new Date(now).toISOString(),
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      activeIncidents: active,
      floodSensorsOverWarning: flood,
      cameraUptime: cameras,
      binsEmptiedOnTime: bins,
      mtta: { ms: times.mttaMs, acknowledged: times.acknowledged, opened: times.opened },
      mttr: { ms: times.mttrMs, resolved: times.resolved, opened: times.opened },
      // Read last, as the answer leaves: the console runs its header clock on from here.
      clock: {
        now: new Date(this.clock.nowMs()).toISOString(),
        speed: this.clock.speed,
        scenario: this.config.clock !== undefined,
      },
    };
  }

  private async collectionObservedFrom(truckIds: () => string[]): Promise<number | null> {
    if (this.observedFrom === null)
      this.observedFrom = (await this.kpis.firstCollectionReport(truckIds()))?.getTime() ?? null;
    return this.observedFrom;
  }
}
