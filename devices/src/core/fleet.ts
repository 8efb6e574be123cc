import type { DeviceType } from '@ioc/domain';
import type { CollectionRoute, DeviceSite } from '@ioc/city';
import { normal, type Rng } from './rng';

/** Device types that are cloned to grow a fleet past the registry (sensors that come in thousands). */
const SCALABLE: readonly DeviceType[] = ['bin', 'water-level-sensor', 'camera'];

export interface Fleet {
  readonly devices: readonly DeviceSite[];
  readonly routes: readonly CollectionRoute[];
}

/**
 * The fleet for a run: the registry itself, a proportional subset of every device type (n smaller), or the registry
 * plus clones of bins, water-level sensors and cameras near their originals (n larger; ids `<original>-x<k>`;
 * cloned bins join their original's route right after it). Deterministic in (registry, n, rng).
 */
export function selectFleet(
  registry: readonly DeviceSite[],
  routes: readonly CollectionRoute[],
  n: number | undefined,
  rng: Rng,
): Fleet {
  if (n === undefined || n === registry.length) return { devices: registry, routes };
  if (n < registry.length) {
    const byType = new Map<DeviceType, DeviceSite[]>();
    for (const d of registry) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
    const keep = new Set<string>();
    for (const list of byType.values()) {
      const k = Math.max(n >= byType.size ? 1 : 0, Math.round((n * list.length) / registry.length));
      // Evenly spaced picks keep the subset spread over wards.
      for (let i = 0; i < Math.min(k, list.length); i++) keep.add(list[Math.floor((i * list.length) / k)].id);
    }
    // Bins follow their truck: a subset keeps whole routes, so every kept bin is still collected.
    const keptRoutes = new Set(routes.filter((r) => keep.has(r.truckId)).map((r) => r.id));
    for (const d of registry) {
      if (d.type !== 'bin' || !d.routeId) continue;
      if (keptRoutes.has(d.routeId)) keep.add(d.id);
      else keep.delete(d.id);
    }
    const devices = registry.filter((d) => keep.has(d.id));
    return { devices, routes: routes.map((r) => ({ ...r, binIds: r.binIds.filter((b) => keep.has(b)) })) };
  }
  const pool = registry.filter((d) => SCALABLE.includes(d.type));
  const extra: DeviceSite[] = [];
  const clonesOf = new Map<string, string[]>();
  for (let i = 0; extra.length < n - registry.length; i++) {
    const o = pool[i % pool.length];
    const id = `${o.id}-x${Math.floor(i / pool.length) + 1}`;
    extra.push({ ...o, id, lat: round5(o.lat + normal(rng, 0, 0.0004)), lon: round5(o.lon + normal(rng, 0, 0.0004)) });
    clonesOf.set(o.id, [...(clonesOf.get(o.id) ?? []), id]);
  }
  const grown = routes.map((r) => ({ ...r, binIds: r.binIds.flatMap((b) => [b, ...(clonesOf.get(b) ?? [])]) }));
  return { devices: [...registry, ...extra], routes: grown };
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
