import type { DeviceType, ZoneKind } from '@ioc/domain';
import type { Catchment, CollectionRoute, DeviceSite, LandUse, River, Ward } from './city.model';
import { distanceM, pointInPolygon, preparePolygon, type LonLat, type PreparedPolygon } from './geometry';

/**
 * The city as the correlation engine sees it: which zones a device belongs to, its neighbours, zone attributes
 * (warning levels, safe capacities) and collection routes. Built by a pure function from the city model.
 */
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

/**
 * What the topology is built from: the city model (`City` is one), or the part of it a test writes down — a toy city
 * need not invent hydrology the engine never reads.
 */
export interface TopologySource {
  readonly wards: ReadonlyArray<Pick<Ward, 'id' | 'name' | 'ring'>>;
  readonly catchments: ReadonlyArray<
    Pick<Catchment, 'id' | 'name' | 'ring' | 'warningLevelCm' | 'bankCm'> & {
      readonly outfall: Pick<Catchment['outfall'], 'invertCm'>;
    }
  >;
  readonly landUse: ReadonlyArray<Pick<LandUse, 'id' | 'name' | 'ring' | 'kind' | 'capacityPersons' | 'areaM2'>>;
  readonly river?: Pick<River, 'id' | 'name'>;
  readonly devices: readonly DeviceSite[];
  readonly routes: ReadonlyArray<Pick<CollectionRoute, 'id' | 'truckId' | 'ward' | 'binIds' | 'shifts'>>;
}

/** Sóc Trăng keeps Indochina Time, UTC+7, with no daylight saving. */
const UTC_OFFSET_MIN = 7 * 60;
/** The river zone every tide gauge reports on, when the source names no river. */
const RIVER_ZONE = 'river-maspero';

const clockMin = (hhmm: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`route shift time must be HH:MM, not "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** Builds the engine's view of the city. Pure: the same city gives the same topology. */
export function buildTopology(city: TopologySource): Topology {
  const zones = new Map<string, ZoneNode>();
  for (const w of city.wards) zones.set(w.id, { id: w.id, kind: 'ward', name: w.name, ring: w.ring });
  for (const c of city.catchments)
    zones.set(c.id, {
      id: c.id,
      kind: 'catchment',
      name: c.name,
      ring: c.ring,
      warningLevelCm: c.warningLevelCm,
      bankCm: c.bankCm,
      outfallInvertCm: c.outfall.invertCm,
    });
  for (const l of city.landUse)
    zones.set(l.id, {
      id: l.id,
      kind: 'site',
      name: l.name,
      ring: l.ring,
      landUse: l.kind,
      capacityPersons: l.capacityPersons,
      areaM2: l.areaM2,
    });
  const riverId = city.river?.id ?? RIVER_ZONE;
  zones.set(riverId, { id: riverId, kind: 'river', name: city.river?.name ?? 'Maspero' });

  const routes = new Map<string, RouteNode>();
  const routeOfBin = new Map<string, string>();
  for (const r of city.routes) {
    routes.set(r.id, {
      id: r.id,
      truckId: r.truckId,
      ward: r.ward,
      binIds: r.binIds,
      shifts: r.shifts.map((s) => ({ startMin: clockMin(s.start), deadlineMin: clockMin(s.deadline) })),
    });
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
  for (const r of city.devices) {
    const routeId = r.type === 'bin' ? (routeOfBin.get(r.id) ?? r.routeId) : r.routeId;
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
      zones: {
        ward: r.ward,
        catchment: r.catchment,
        site: r.siteId,
        route: routeId,
        river: r.type === 'tide-gauge' ? riverId : undefined,
        device: r.id,
      },
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
  const polygons: Array<{ zone: ZoneNode; shape: PreparedPolygon }> = [...zones.values()]
    .filter((z) => z.ring && z.kind !== 'route')
    .map((zone) => ({ zone, shape: preparePolygon(zone.ring!) }));

  return {
    devices,
    zones,
    routes,
    utcOffsetMin: UTC_OFFSET_MIN,
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
      const at: LonLat = [d.lon, d.lat];
      const list = (byType.get(d.type) ?? [])
        .filter((o) => o.id !== d.id)
        .map((o) => ({ o, m: distanceM(at, [o.lon, o.lat]) }))
        .filter((x) => x.m <= radiusM)
        .sort((a, b) => a.m - b.m || (a.o.id < b.o.id ? -1 : 1))
        .map((x) => x.o);
      neighbourCache.set(key, list);
      return list;
    },
    locate(lat, lon) {
      const out: Partial<Record<ZoneKind, string>> = {};
      const p: LonLat = [lon, lat];
      for (const { zone, shape } of polygons) if (!out[zone.kind] && pointInPolygon(p, shape)) out[zone.kind] = zone.id;
      return out;
    },
  };
}
