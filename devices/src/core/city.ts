import type { DeviceType } from '@ioc/domain';
import type { LonLat } from './geo';

/**
 * The city model as the simulator uses it, read from `seeds/` (GeoJSON + JSON). Zone ids are stable strings used
 * by devices, scenarios and expected incidents: `ward-p3`, `catch-trung-tam-bac`, `site-festival-bank-north`,
 * `road-hung-vuong`, `route-r-p1-01`, `river-maspero`.
 */
export interface WardCode {
  readonly scheme: 'pre-2025' | '2025';
  readonly code: string;
  readonly name: string;
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
  readonly warningLevelCm: number;
}

export interface Road {
  readonly id: string;
  readonly name: string;
  readonly roadClass: 'national' | 'arterial' | 'ring' | 'collector';
  readonly lanes: number;
  readonly line: readonly LonLat[];
}

export type LandUseKind = 'market' | 'wholesale-market' | 'residential' | 'festival-bank' | 'lake' | 'commercial';

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
  readonly binIds: readonly string[];
  readonly shifts: readonly RouteShift[];
}

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
  readonly roadClass?: Road['roadClass'];
  readonly lanes?: number;
  readonly routeId?: string;
  readonly name?: string;
}

export interface City {
  readonly wards: readonly Ward[];
  readonly catchments: readonly Catchment[];
  readonly river: { readonly id: string; readonly name: string; readonly line: readonly LonLat[] };
  readonly roads: readonly Road[];
  readonly landUse: readonly LandUse[];
  readonly routes: readonly CollectionRoute[];
  readonly devices: readonly DeviceSite[];
}
