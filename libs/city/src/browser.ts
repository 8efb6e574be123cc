/**
 * `@ioc/city` as the browser sees it (the console's vite and tsconfig alias it here): the model's types and its
 * geometry, which are pure. The package's index also holds the loader (node:fs) and the seed schemas (zod), which have
 * no place in the console's bundle.
 */
export { CITY_LAYERS, type CityLayer, type LandUseKind, type RoadClass, type Ward, type WardCode } from './city.model';
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
