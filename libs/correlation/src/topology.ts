import { pointInRing, type DeviceType, type ZoneKind } from '@ioc/domain';

/**
 * The city as the engine sees it: which zones a device belongs to, its neighbours, zone attributes (warning levels,
 * safe capacities) and collection routes. Built by a pure function from the parsed seed files (`seeds/city/*.geojson`,
 * `seeds/devices.json`, `seeds/routes.json`); reading them from disk is `seeds.loader.ts`'s job.
 */
export type LonLat = readonly [number, number];

export interface DeviceNode {
  readonly id: string;
  readonly type: DeviceType;
  readonly ward: string;
  readonly catchment: string;
  readonly lat: number;
  readonly lon: number;
  readonly siteId?: string;
  readonly siteKind?: string;
  readonly landUse?: string;
  readonly routeId?: string;
  readonly roadId?: string;
  readonly roadClass?: string;
  /** Zone of each kind this device belongs to (`river` for tide gauges, `route` for bins and trucks). */
  readonly zones: Readonly<Partial<Record<ZoneKind, string>>>;
}

export interface ZoneNode {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly name: string;
  readonly ring?: readonly LonLat[];
  /** Catchments: street water level at which the catchment counts as flooded, cm. */
  readonly warningLevelCm?: number;
  /** Catchments: lowest bank level, and outfall invert, cm above datum. */
  readonly bankCm?: number;
  readonly outfallInvertCm?: number;
  /** Sites: land-use kind, safe capacity and area. */
  readonly landUse?: string;
  readonly capacityPersons?: number;
  readonly areaM2?: number;
  /** Routes: the ward they serve. */
  readonly ward?: string;
}

export interface RouteShiftNode {
  /** Minutes after local midnight. */
  readonly startMin: number;
  readonly deadlineMin: number;
}

export interface RouteNode {
  readonly id: string;
  readonly truckId: string;
  readonly ward: string;
  readonly binIds: readonly string[];
  readonly shifts: readonly RouteShiftNode[];
}

export interface Topology {
  readonly devices: ReadonlyMap<string, DeviceNode>;
  readonly zones: ReadonlyMap<string, ZoneNode>;
  readonly routes: ReadonlyMap<string, RouteNode>;
  /** Offset of local time from UTC, minutes (shift times in routes are local). */
  readonly utcOffsetMin: number;
  membersOf(zoneId: string): readonly DeviceNode[];
  /** The zone's devices of one type (cached): what per-reading zone aggregates scan. */
  membersOfType(zoneId: string, type: DeviceType): readonly DeviceNode[];
  /** Devices of the same type within `radiusM`, nearest first (cached per device and radius). */
  neighbours(deviceId: string, radiusM: number): readonly DeviceNode[];
  /** Zones containing a point: ward, catchment and land-use site (field reports carry only coordinates). */
  locate(lat: number, lon: number): Readonly<Partial<Record<ZoneKind, string>>>;
}

// ------------------------------------------------------------------ seed shapes (as parsed from JSON)

export interface GeoFeature {
  readonly id?: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
}
export interface FeatureCollection {
  readonly features: readonly GeoFeature[];
}
export interface DeviceRecord {
  readonly id: string;
  readonly type: DeviceType;
  readonly ward: string;
  readonly catchment: string;
  readonly lat: number;
  readonly lon: number;
  readonly landUse?: string;
  readonly siteId?: string;
  readonly roadId?: string;
  readonly roadClass?: string;
  readonly routeId?: string;
  readonly name?: string;
}
export interface RouteRecord {
  readonly id: string;
  readonly truckId: string;
  readonly ward: string;
  readonly binIds: readonly string[];
  readonly shifts: ReadonlyArray<{ readonly start: string; readonly deadline: string }>;
}
export interface TopologySource {
  readonly wards: FeatureCollection;
  readonly catchments: FeatureCollection;
  readonly landUse: FeatureCollection;
  readonly river?: FeatureCollection;
  readonly devices: readonly DeviceRecord[];
  readonly routes: readonly RouteRecord[];
  readonly utcOffsetMin?: number;
}

// ------------------------------------------------------------------ geometry

const EARTH_M = 6_371_008.8;
export function distanceM(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const toRad = Math.PI / 180;
  const dLat = (bLat - aLat) * toRad;
  const dLon = (bLon - aLon) * toRad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * toRad) * Math.cos(bLat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

const clockMin = (hhmm: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`route shift time must be HH:MM, not "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
};

function ringOf(f: GeoFeature): LonLat[] | undefined {
  if (f.geometry.type === 'Polygon') return (f.geometry.coordinates as LonLat[][])[0];
  if (f.geometry.type === 'MultiPolygon') return (f.geometry.coordinates as LonLat[][][])[0][0];
  return undefined;
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The river zone every tide gauge reports on. */
export const RIVER_ZONE = 'river-maspero';

/** Builds the engine's view of the city from parsed seed data. Pure: the same input gives the same topology. */
export function buildTopology(src: TopologySource): Topology {
  const zones = new Map<string, ZoneNode>();
  for (const f of src.wards.features) {
    const p = f.properties;
    const id = str(p.id) ?? String(f.id);
    zones.set(id, { id, kind: 'ward', name: str(p.name) ?? id, ring: ringOf(f) });
  }
  for (const f of src.catchments.features) {
    const p = f.properties;
    const id = str(p.id) ?? String(f.id);
    const outfall = p.outfall as { invertCm?: number } | undefined;
    zones.set(id, {
      id,
      kind: 'catchment',
      name: str(p.name) ?? id,
      ring: ringOf(f),
      warningLevelCm: num(p.warningLevelCm),
      bankCm: num(p.bankCm),
      outfallInvertCm: num(outfall?.invertCm),
    });
  }
  for (const f of src.landUse.features) {
    const p = f.properties;
    const id = str(p.id) ?? String(f.id);
    zones.set(id, { id, kind: 'site', name: str(p.name) ?? id, ring: ringOf(f), landUse: str(p.kind), capacityPersons: num(p.capacityPersons), areaM2: num(p.areaM2) });
  }
  const riverFeature = src.river?.features.find((f) => f.geometry.type === 'LineString');
  const riverId = str(riverFeature?.properties.id) ?? RIVER_ZONE;
  zones.set(riverId, { id: riverId, kind: 'river', name: str(riverFeature?.properties.name) ?? 'Maspero' });

  const routes = new Map<string, RouteNode>();
  const routeOfBin = new Map<string, string>();
  for (const r of src.routes) {
    routes.set(r.id, { id: r.id, truckId: r.truckId, ward: r.ward, binIds: r.binIds, shifts: r.shifts.map((s) => ({ startMin: clockMin(s.start), deadlineMin: clockMin(s.deadline) })) });
    zones.set(r.id, { id: r.id, kind: 'route', name: r.id, ward: r.ward });
    for (const b of r.binIds) routeOfBin.set(b, r.id);
  }

  const devices = new Map<string, DeviceNode>();
  const members = new Map<string, DeviceNode[]>();
  const join = (zoneId: string | undefined, d: DeviceNode) => {
    if (!zoneId) return;
    let list = members.get(zoneId);
    if (!list) members.set(zoneId, (list = []));
    list.push(d);
  };
  for (const r of src.devices) {
    const routeId = r.type === 'bin' ? routeOfBin.get(r.id) ?? r.routeId : r.routeId;
    const site = r.siteId ? zones.get(r.siteId) : undefined;
    const d: DeviceNode = {
      id: r.id,
      type: r.type,
      ward: r.ward,
      catchment: r.catchment,
      lat: r.lat,
      lon: r.lon,
      siteId: r.siteId,
      siteKind: site?.landUse,
      landUse: r.landUse,
      routeId,
      roadId: r.roadId,
      roadClass: r.roadClass,
      zones: { ward: r.ward, catchment: r.catchment, site: r.siteId, route: routeId, river: r.type === 'tide-gauge' ? riverId : undefined, device: r.id },
    };
    devices.set(r.id, d);
    join(r.ward, d);
    join(r.catchment, d);
    join(r.siteId, d);
    join(routeId, d);
    if (r.type === 'tide-gauge') join(riverId, d);
  }

  const byType = new Map<DeviceType, DeviceNode[]>();
  for (const d of devices.values()) {
    let list = byType.get(d.type);
    if (!list) byType.set(d.type, (list = []));
    list.push(d);
  }
  const neighbourCache = new Map<string, readonly DeviceNode[]>();
  const typedMembers = new Map<string, readonly DeviceNode[]>();
  const empty: readonly DeviceNode[] = [];
  const polygons = [...zones.values()].filter((z) => z.ring && z.kind !== 'route');

  return {
    devices,
    zones,
    routes,
    utcOffsetMin: src.utcOffsetMin ?? 7 * 60,
    membersOf: (zoneId) => members.get(zoneId) ?? empty,
    membersOfType(zoneId, type) {
      const key = `${zoneId}|${type}`;
      let list = typedMembers.get(key);
      if (!list) typedMembers.set(key, (list = (members.get(zoneId) ?? empty).filter((d) => d.type === type)));
      return list;
    },
    neighbours(deviceId, radiusM) {
      const key = `${deviceId}|${radiusM}`;
      const hit = neighbourCache.get(key);
      if (hit) return hit;
      const d = devices.get(deviceId);
      if (!d) return empty;
      const list = (byType.get(d.type) ?? [])
        .filter((o) => o.id !== d.id)
        .map((o) => ({ o, m: distanceM(d.lat, d.lon, o.lat, o.lon) }))
        .filter((x) => x.m <= radiusM)
        .sort((a, b) => a.m - b.m || (a.o.id < b.o.id ? -1 : 1))
        .map((x) => x.o);
      neighbourCache.set(key, list);
      return list;
    },
    locate(lat, lon) {
      const out: Partial<Record<ZoneKind, string>> = {};
      for (const z of polygons) if (!out[z.kind] && pointInRing([lon, lat], z.ring!)) out[z.kind] = z.id;
      return out;
    },
  };
}
