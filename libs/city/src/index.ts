export {
  CITY_LAYERS,
  LAND_USE_KINDS,
  type Bridge,
  type Catchment,
  type City,
  type CityLayer,
  type CollectionRoute,
  type DeviceSite,
  type LandUse,
  type LandUseKind,
  type River,
  type Road,
  type RoadClass,
  type RouteShift,
  type Ward,
  type WardCode,
} from './city.model';
export { CityModelError } from './city-model.error';
export { CITY_FILES, jsonPath, parseCity, type CityDocuments } from './city.schema';
export { findSeedsDir, loadCity } from './city.loader';
export { cityModelVersionOf, loadCityModelVersion, type CityModelVersion } from './city-version';
export {
  bearingDeg,
  boundsOf,
  centreOf,
  closed,
  convexHull,
  distanceM,
  lineLengthM,
  pointAlong,
  pointBetween,
  pointInPolygon,
  preparePolygon,
  type Bounds,
  type LonLat,
  type PreparedPolygon,
} from './geometry';
export {
  buildTopology,
  type DeviceNode,
  type RouteNode,
  type RouteShiftNode,
  type Topology,
  type TopologySource,
  type ZoneNode,
} from './topology';
export { WardIndex } from './ward-index';
export { CITY, CITY_MODEL_VERSION, TOPOLOGY } from './city.tokens';
export { planConnections, type ConnectionPlan, type ConnectionPlanOptions } from './connection-plan';
