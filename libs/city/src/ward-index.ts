import type { ZoneRef } from '@ioc/domain';
import { centreOf } from './geometry';
import type { Topology } from './topology';

/**
 * Which wards an incident's zone lies in, from the city model: a ward is itself; a catchment, site or the river spans
 * the wards of its devices (a catchment often crosses ward borders); a route serves one ward; a device sits in one.
 * Zones unknown to the model have no ward: only clients watching every ward receive them.
 */
export class WardIndex {
  private readonly cache = new Map<string, readonly string[]>();
  readonly wards: ReadonlySet<string>;

  constructor(private readonly topology: Topology) {
    this.wards = new Set([...topology.zones.values()].filter((z) => z.kind === 'ward').map((z) => z.id));
  }

  wardsOf(zone: ZoneRef): readonly string[] {
    const k = `${zone.kind}:${zone.id}`;
    let wards = this.cache.get(k);
    if (!wards) this.cache.set(k, (wards = Object.freeze(this.compute(zone))));
    return wards;
  }

  private compute(zone: ZoneRef): string[] {
    const t = this.topology;
    switch (zone.kind) {
      case 'ward':
        return this.wards.has(zone.id) ? [zone.id] : [];
      case 'device': {
        const d = t.devices.get(zone.id);
        return d ? [d.ward] : [];
      }
      case 'route': {
        const ward = t.routes.get(zone.id)?.ward ?? t.zones.get(zone.id)?.ward;
        return ward ? [ward] : [];
      }
      default: {
        const fromMembers = new Set(t.membersOf(zone.id).map((d) => d.ward));
        if (fromMembers.size === 0) {
          // A zone without devices (a site nobody instruments yet): the ward of its polygon's centre.
          const ring = t.zones.get(zone.id)?.ring;
          if (ring && ring.length > 0) {
            const [lon, lat] = centreOf(ring);
            const w = t.locate(lat, lon).ward;
            if (w) fromMembers.add(w);
          }
        }
        return [...fromMembers].filter((w) => this.wards.has(w)).sort();
      }
    }
  }
}
