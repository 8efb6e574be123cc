import type { DeviceType } from '@ioc/domain';
import type { LonLat } from './geometry';

/**
 * The city model, read from `seeds/` (GeoJSON + JSON) and validated once by `loadCity`. Zone ids are stable strings
 * used by devices, scenarios, rules and expected incidents: `ward-p3`, `catch-trung-tam-bac`,
 * `site-festival-bank-north`, `road-hung-vuong`, `R-P1-01`, `river-maspero`. Polygons are their outer ring.
 */

/** The layers of `seeds/city/` (`<layer>.geojson`), which the api role also serves to the console at `/city/`. */
export const CITY_LAYERS = ['wards', 'catchments', 'river', 'roads', 'land-use'] as const;
export type CityLayer = (typeof CITY_LAYERS)[number];

/** Administrative codes are versioned data: the wards before the 2025 merger, and the units after it. */
export interface WardCode {
  readonly scheme: 'pre-2025' | '2025';
  readonly code: string;
  readonly name: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly approximate?: boolean;
}

export interface Ward {
  readonly id: string; // ward-p3
  readonly short: string; // p3 (used in device ids)
  readonly name: string;
  readonly codes: readonly WardCode[];
  readonly ring: readonly LonLat[];
}

export interface Catchment {
  readonly id: string;
  readonly name: string;
  readonly ring: readonly LonLat[];
  readonly areaHa: number;
  /** Share of rain that runs off into the drains. */
  readonly runoffCoeff: number;
  /** Water the drain network holds before streets pond, mm over the catchment. */
  readonly storageMm: number;
  /** Gravity drainage through the outfall with a low river, mm/h over the catchment. */
  readonly drainageMmH: number;
  /** Share of the catchment area where water ponds on streets (low points). */
  readonly pondingShare: number;
  /** Outfall on the Maspero: gravity drainage stops as the river rises above `invertCm` (above datum). */
  readonly outfall: { readonly at: LonLat; readonly invertCm: number; readonly sluiceGateId?: string };
  /** Lowest bank/road level above datum: a higher river overtops into the catchment unless a sluice gate holds it. */
  readonly bankCm: number;
  /** Street water level at which the catchment counts as flooded, cm. */
  readonly warningLevelCm: number;
}

export interface Bridge {
  readonly id: string;
  readonly name: string;
  readonly at: LonLat;
}

export interface River {
  readonly id: string;
  readonly name: string;
  readonly line: readonly LonLat[];
  /** The tidal reach along the embankment: the river's area (CAP). */
  readonly reach?: { readonly id: string; readonly name: string; readonly ring: readonly LonLat[] };
  readonly bridges: readonly Bridge[];
}

export type RoadClass = 'national' | 'arterial' | 'ring' | 'collector';

export interface Road {
  readonly id: string;
  readonly name: string;
  readonly roadClass: RoadClass;
  readonly lanes: number;
  readonly line: readonly LonLat[];
}

export const LAND_USE_KINDS = [
  'market',
  'wholesale-market',
  'residential',
  'festival-bank',
  'lake',
  'commercial',
] as const;
export type LandUseKind = (typeof LAND_USE_KINDS)[number];

export interface LandUse {
  readonly id: string;
  readonly name: string;
  readonly kind: LandUseKind;
  readonly ring: readonly LonLat[];
  /** People the site holds safely (festival banks), for crowd-over-capacity. */
  readonly capacityPersons?: number;
  readonly areaM2?: number;
}

export interface RouteShift {
  readonly start: string; // "05:00" local
  readonly deadline: string; // "09:00" local: every bin of the route picked up by then
}

export interface CollectionRoute {
  readonly id: string;
  readonly truckId: string;
  readonly ward: string;
  readonly depot: LonLat;
  /** In driving order from the depot. */
  readonly binIds: readonly string[];
  readonly shifts: readonly RouteShift[];
}

/** A device of the registry (`seeds/devices.json`) where it stands, with what its type needs to be simulated. */
export interface DeviceSite {
  readonly id: string;
  readonly type: DeviceType;
  readonly ward: string; // ward-p3
  readonly catchment: string;
  readonly lat: number;
  readonly lon: number;
  readonly landUse?: LandUseKind;
  readonly siteId?: string; // land-use site (market, festival bank)
  readonly roadId?: string;
  readonly roadClass?: RoadClass;
  readonly lanes?: number;
  readonly routeId?: string;
  readonly name?: string;
  /** Water-level sensors: street depth at the sensor relative to the catchment's ponding depth. */
  readonly depthFactor?: number;
  /** Pumps: drainage capacity, mm/h over the catchment, and rated flow. */
  readonly capacityMmH?: number;
  readonly flowM3h?: number;
  /** Cameras watching a known illegal-dumping spot. */
  readonly hotspot?: 'dumping';
}

export interface City {
  readonly wards: readonly Ward[];
  readonly catchments: readonly Catchment[];
  readonly river: River;
  readonly roads: readonly Road[];
  readonly landUse: readonly LandUse[];
  readonly routes: readonly CollectionRoute[];
  readonly devices: readonly DeviceSite[];
}
