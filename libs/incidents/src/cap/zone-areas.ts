/**
 * The area of a zone as CAP wants it: a description and polygons of "lat,lon" pairs (WGS 84, first = last), from the
 * city model (wards, catchments, sites, the Maspero's tidal reach, collection routes, device sites).
 */
import { convexHull, type City, type LonLat, type WardCode } from '@ioc/city';
import type { BilingualText, ZoneKind, ZoneRef } from '@ioc/domain';

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

/** A zone of the model with an area: its name, outer ring and (wards) administrative codes. */
interface Shape {
  readonly name: string;
  readonly ring: readonly LonLat[];
  readonly codes?: readonly WardCode[];
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
  const closed =
    ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring : [...ring, ring[0]];
  if (closed.length < 4) throw new Error('a closed polygon needs at least four pairs');
  return closed.map(([lon, lat]) => `${round(lat)},${round(lon)}`).join(' ');
}

export function capCircle(at: LonLat, radiusKm: number): string {
  return `${round(at[1])},${round(at[0])} ${radiusKm}`;
}

const round = (x: number) => Number(x.toFixed(6));

export class ZoneAreas {
  private readonly shapes = new Map<string, Shape>();
  private readonly devices: Map<string, { readonly lat: number; readonly lon: number }>;
  private readonly routes: Map<string, City['routes'][number]>;

  constructor(city: City) {
    for (const z of [...city.wards, ...city.catchments, ...city.landUse]) this.shapes.set(z.id, z);
    // A river is a line; its area is the polygon of its tidal reach.
    if (city.river.reach) this.shapes.set(city.river.id, { name: city.river.name, ring: city.river.reach.ring });
    this.devices = new Map(city.devices.map((d) => [d.id, d]));
    this.routes = new Map(city.routes.map((r) => [r.id, r]));
  }

  /** The zone's area; a zone missing from the model still gets a description (CAP requires only areaDesc). */
  areaOf(zone: ZoneRef): ZoneArea {
    const label = KIND_LABEL[zone.kind];
    // Ward names already say "Phường": no "Phường Phường 1".
    const withLabel = (l: string, name: string) =>
      name.toLowerCase().startsWith(l.toLowerCase()) ? name : `${l} ${name}`;
    const desc = (name: string): BilingualText => ({
      vi: `${withLabel(label.vi, name)}, ${CITY.vi}`,
      en: `${label.en} ${name}, ${CITY.en}`,
    });
    switch (zone.kind) {
      case 'ward':
      case 'catchment':
      case 'site':
      case 'river': {
        const shape = this.shapes.get(zone.id);
        if (!shape) return { desc: desc(zone.id), rings: [], geocodes: [] };
        return { desc: desc(shape.name), rings: [shape.ring], geocodes: geocodesOf(shape.codes) };
      }
      case 'route': {
        const route = this.routes.get(zone.id);
        if (!route) return { desc: desc(zone.id), rings: [], geocodes: [] };
        const points: LonLat[] = route.binIds.flatMap((id) => {
          const d = this.devices.get(id);
          return d ? [[d.lon, d.lat] as LonLat] : [];
        });
        const hull = convexHull(points);
        return { desc: desc(route.id), rings: hull.length ? [hull] : [], geocodes: [] };
      }
      case 'device': {
        const d = this.devices.get(zone.id);
        return d
          ? { desc: desc(zone.id), rings: [], circle: { at: [d.lon, d.lat], radiusKm: DEVICE_RADIUS_KM }, geocodes: [] }
          : { desc: desc(zone.id), rings: [], geocodes: [] };
      }
    }
  }
}

/** Administrative codes of wards, per scheme (they are versioned: pre-2025 wards and the 2025 units). */
function geocodesOf(codes: readonly WardCode[] | undefined): CapGeocode[] {
  return (codes ?? []).map((c) => ({ valueName: `VN-ADMIN-${c.scheme}`, value: c.code }));
}
