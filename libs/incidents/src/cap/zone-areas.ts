/**
 * The area of a zone as CAP wants it: a description and polygons of "lat,lon" pairs (WGS 84, first = last), from the
 * city model in `seeds/` (wards, catchments, sites, the Maspero's tidal reach, collection routes, device sites).
 */
import { readFileSync } from 'node:fs';
import { findSeedsDir } from '@ioc/correlation';
import * as path from 'node:path';
import type { BilingualText, ZoneKind, ZoneRef } from '@ioc/domain';

/** [lon, lat], as GeoJSON has it. */
export type LonLat = readonly [number, number];

export interface CapGeocode {
  readonly valueName: string;
  readonly value: string;
}

export interface ZoneArea {
  readonly desc: BilingualText;
  /** Closed rings of [lon, lat]. */
  readonly rings: ReadonlyArray<readonly LonLat[]>;
  /** A point with a radius (devices): CAP circle. */
  readonly circle?: { readonly at: LonLat; readonly radiusKm: number };
  readonly geocodes: readonly CapGeocode[];
}

interface Feature {
  readonly properties: Record<string, unknown> & { id: string; name?: string };
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
}

export interface CityModel {
  readonly features: readonly Feature[];
  readonly devices: ReadonlyArray<{ id: string; lat: number; lon: number; type?: string }>;
  readonly routes: ReadonlyArray<{ id: string; ward?: string; depot?: LonLat; binIds: readonly string[] }>;
}

const KIND_LABEL: Record<ZoneKind, BilingualText> = {
  ward: { vi: 'Phường', en: 'Ward' },
  catchment: { vi: 'Lưu vực thoát nước', en: 'Drainage catchment' },
  site: { vi: 'Khu vực', en: 'Site' },
  river: { vi: 'Sông', en: 'River' },
  route: { vi: 'Tuyến thu gom rác', en: 'Waste-collection route' },
  device: { vi: 'Thiết bị', en: 'Device' },
};
const CITY: BilingualText = { vi: 'Sóc Trăng, TP Cần Thơ', en: 'Sóc Trăng, Cần Thơ city' };
/** Around a device: the block it watches. */
const DEVICE_RADIUS_KM = 0.1;

/** CAP polygon text: "lat,lon lat,lon …", first pair = last pair, at least four pairs. */
export function capPolygon(ring: readonly LonLat[]): string {
  if (ring.length < 3) throw new Error(`a polygon needs at least three points (got ${ring.length})`);
  const closed = ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring : [...ring, ring[0]];
  if (closed.length < 4) throw new Error('a closed polygon needs at least four pairs');
  return closed.map(([lon, lat]) => `${round(lat)},${round(lon)}`).join(' ');
}

export function capCircle(at: LonLat, radiusKm: number): string {
  return `${round(at[1])},${round(at[0])} ${radiusKm}`;
}

const round = (x: number) => Number(x.toFixed(6));

/** Andrew's monotone chain: the convex hull of a route's bins, as its area. */
export function convexHull(points: readonly LonLat[]): LonLat[] {
  const pts = [...new Map(points.map((p) => [`${p[0]},${p[1]}`, p])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: LonLat, a: LonLat, b: LonLat) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: LonLat[]) => {
    const out: LonLat[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(pts), ...half([...pts].reverse())];
}

export class ZoneAreas {
  private readonly byId = new Map<string, Feature>();
  private readonly devices: Map<string, { lat: number; lon: number }>;
  private readonly routes: Map<string, CityModel['routes'][number]>;

  constructor(city: CityModel) {
    for (const f of city.features) this.byId.set(f.properties.id, f);
    this.devices = new Map(city.devices.map((d) => [d.id, d]));
    this.routes = new Map(city.routes.map((r) => [r.id, r]));
  }

  /** The zone's area; a zone missing from the model still gets a description (CAP requires only areaDesc). */
  areaOf(zone: ZoneRef): ZoneArea {
    const label = KIND_LABEL[zone.kind];
    // Ward names already say "Phường": no "Phường Phường 1".
    const withLabel = (l: string, name: string) => (name.toLowerCase().startsWith(l.toLowerCase()) ? name : `${l} ${name}`);
    const desc = (name: string): BilingualText => ({ vi: `${withLabel(label.vi, name)}, ${CITY.vi}`, en: `${label.en} ${name}, ${CITY.en}` });
    switch (zone.kind) {
      case 'ward':
      case 'catchment':
      case 'site':
      case 'river': {
        const f = this.featureOf(zone);
        if (!f) return { desc: desc(zone.id), rings: [], geocodes: [] };
        return { desc: desc(f.properties.name ?? zone.id), rings: ringsOf(f), geocodes: geocodesOf(f) };
      }
      case 'route': {
        const route = this.routes.get(zone.id);
        if (!route) return { desc: desc(zone.id), rings: [], geocodes: [] };
        const points: LonLat[] = route.binIds.flatMap((id) => {
          const d = this.devices.get(id);
          return d ? [[d.lon, d.lat] as LonLat] : [];
        });
        const hull = convexHull(points);
        return { desc: desc(route.id), rings: hull.length >= 3 ? [hull] : [], geocodes: [] };
      }
      case 'device': {
        const d = this.devices.get(zone.id);
        return d ? { desc: desc(zone.id), rings: [], circle: { at: [d.lon, d.lat], radiusKm: DEVICE_RADIUS_KM }, geocodes: [] } : { desc: desc(zone.id), rings: [], geocodes: [] };
      }
    }
  }

  private featureOf(zone: ZoneRef): Feature | undefined {
    const f = this.byId.get(zone.id);
    if (f && f.geometry.type.endsWith('Polygon')) return f;
    // A river is a line; its area is the polygon of its tidal reach.
    if (zone.kind === 'river') {
      const reach = [...this.byId.values()].find((x) => x.properties.id.startsWith(`${zone.id}-`) && x.geometry.type.endsWith('Polygon'));
      if (reach) return { properties: { ...reach.properties, name: f?.properties.name ?? reach.properties.name }, geometry: reach.geometry };
    }
    return undefined;
  }
}

function ringsOf(f: Feature): Array<readonly LonLat[]> {
  if (f.geometry.type === 'Polygon') return [(f.geometry.coordinates as LonLat[][])[0]];
  if (f.geometry.type === 'MultiPolygon') return (f.geometry.coordinates as LonLat[][][]).map((p) => p[0]);
  return [];
}

/** Administrative codes of wards, per scheme (they are versioned: pre-2025 wards and the 2025 units). */
function geocodesOf(f: Feature): CapGeocode[] {
  const codes = f.properties.codes;
  if (!Array.isArray(codes)) return [];
  return codes
    .filter((c): c is { scheme: string; code: string } => typeof c?.scheme === 'string' && typeof c?.code === 'string')
    .map((c) => ({ valueName: `VN-ADMIN-${c.scheme}`, value: c.code }));
}

/** Reads the city model from `seeds/` (found upwards from here). */
export function loadCityModel(seedsDir = findSeedsDir()): CityModel {
  const read = (file: string) => JSON.parse(readFileSync(path.join(seedsDir, file), 'utf8')) as Record<string, unknown>;
  const features = ['wards', 'catchments', 'land-use', 'river'].flatMap((n) => (read(`city/${n}.geojson`).features as Feature[]) ?? []);
  return {
    features,
    devices: read('devices.json').devices as CityModel['devices'],
    routes: read('routes.json').routes as CityModel['routes'],
  };
}

