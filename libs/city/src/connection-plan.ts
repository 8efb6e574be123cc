import type { DeviceType } from '@ioc/domain';
import type { DeviceSite } from './city.model';

/** FNV-1a, 32 bits: a stable hash of an id (the same function as the simulator's). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Which devices hold their own MQTT connection and which sit behind a gateway (`ioc/v1/gateway/{id}`): the city's
 * gateways, registered with their devices at the IOC's first start, and the connections the simulator opens.
 */
export interface ConnectionPlan {
  readonly direct: ReadonlySet<string>;
  readonly gatewayOf: ReadonlyMap<string, string>;
  readonly gateways: readonly string[];
}

/** Powered, networked devices connect themselves; battery sensors talk LoRaWAN to a ward gateway. */
const DIRECT_TYPES: readonly DeviceType[] = ['camera', 'pump', 'sluice-gate', 'tide-gauge', 'truck'];

export interface ConnectionPlanOptions {
  /** Share of devices (0…1, chosen by a hash of the id) with their own connection; default: by device type. */
  readonly directShare?: number;
  /** Devices per gateway (a batch carries at most 500 messages). */
  readonly gatewaySize?: number;
}

export function planConnections(devices: readonly DeviceSite[], opts: ConnectionPlanOptions = {}): ConnectionPlan {
  const size = Math.min(500, Math.max(1, opts.gatewaySize ?? 250));
  const direct = new Set<string>();
  const byWard = new Map<string, string[]>();
  for (const d of devices) {
    const isDirect =
      opts.directShare === undefined
        ? DIRECT_TYPES.includes(d.type)
        : hash32(d.id) % 10_000 < opts.directShare * 10_000;
    if (isDirect) direct.add(d.id);
    else byWard.set(d.ward, [...(byWard.get(d.ward) ?? []), d.id]);
  }
  const gatewayOf = new Map<string, string>();
  const gateways: string[] = [];
  for (const [ward, ids] of [...byWard].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    for (let i = 0; i < ids.length; i++) {
      const gw = `gw-${ward.replace('ward-', '')}-${String(Math.floor(i / size) + 1).padStart(2, '0')}`;
      if (i % size === 0) gateways.push(gw);
      gatewayOf.set(ids[i], gw);
    }
  }
  return { direct, gatewayOf, gateways };
}
