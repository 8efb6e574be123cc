/**
 * The city's one geometry, on WGS 84 [lon, lat] as GeoJSON writes it: the server, the engine, the simulator and the
 * console measure with these functions and nothing else. Distances and bearings are turf's (great circle, mean Earth
 * radius); point in polygon is turf's (a point on the boundary is inside). Browser-safe: no Node, no validation.
 */
import { along } from '@turf/along';
import { bbox } from '@turf/bbox';
import { bearing } from '@turf/bearing';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { centerOfMass } from '@turf/center-of-mass';
import { convex } from '@turf/convex';
import { distance } from '@turf/distance';
import { lineString, multiPoint, polygon } from '@turf/helpers';
import { length } from '@turf/length';

/** A point as GeoJSON writes it: [longitude, latitude], degrees. */
export type LonLat = readonly [number, number];

/** [west, south, east, north], degrees. */
export type Bounds = readonly [number, number, number, number];

const METRES = { units: 'meters' } as const;
const mutable = (p: LonLat): [number, number] => p as [number, number];

/** Great-circle distance, metres. */
export function distanceM(a: LonLat, b: LonLat): number {
  return distance(mutable(a), mutable(b), METRES);
}

/** Initial bearing from a to b, degrees clockwise from north, 0 ≤ h < 360. */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const h = bearing(mutable(a), mutable(b));
  return h < 0 ? h + 360 : h;
}

/**
 * The point a fraction `f` of the way from a to b on the segment as GeoJSON draws it (straight in lon/lat, RFC 7946
 * 3.1.1). At city scale it is the great-circle point to well under a millimetre, and it costs no trigonometry, which
 * the simulator's moving rain cells ask of it every step.
 */
export function pointBetween(a: LonLat, b: LonLat, f: number): LonLat {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** Length of a polyline, metres. */
export function lineLengthM(line: readonly LonLat[]): number {
  return line.length < 2 ? 0 : length(lineString(line as [number, number][]), METRES);
}

/** The point `m` metres along a polyline (clamped to its ends). */
export function pointAlong(line: readonly LonLat[], m: number): LonLat {
  if (line.length < 2 || m <= 0) return line[0];
  return along(lineString(line as [number, number][]), m, METRES).geometry.coordinates as unknown as LonLat;
}

/** A polygon's centre: its centre of mass (area-weighted), where a label or a zone-wide incident is placed. */
export function centreOf(ring: readonly LonLat[]): LonLat {
  return centerOfMass(polygon([closed(ring) as [number, number][]])).geometry.coordinates as unknown as LonLat;
}

/**
 * A polygon prepared for many point-in-polygon tests: turf checks the bounding box first, so most polygons of the city
 * are ruled out by four comparisons.
 */
export interface PreparedPolygon {
  readonly bounds: Bounds;
  readonly feature: ReturnType<typeof polygon>;
}

/** Prepares the outer ring (and optional holes) of a polygon for `pointInPolygon`. */
export function preparePolygon(ring: readonly LonLat[], holes: ReadonlyArray<readonly LonLat[]> = []): PreparedPolygon {
  const feature = polygon([ring, ...holes].map((r) => closed(r) as [number, number][]));
  feature.bbox = bbox(feature);
  return { bounds: feature.bbox as unknown as Bounds, feature };
}

export function pointInPolygon(p: LonLat, poly: PreparedPolygon): boolean {
  return booleanPointInPolygon(mutable(p), poly.feature);
}

/** Bounding box of any number of positions. */
export function boundsOf(points: readonly LonLat[]): Bounds {
  return bbox(multiPoint(points as [number, number][])) as unknown as Bounds;
}

/** The convex hull of points as a closed ring, or [] when they span no area (fewer than three, or all in a line). */
export function convexHull(points: readonly LonLat[]): LonLat[] {
  if (points.length < 3) return [];
  const hull = convex(multiPoint(points as [number, number][]));
  return hull ? (hull.geometry.coordinates[0] as unknown as LonLat[]) : [];
}

/** The ring with its first position repeated at the end, as GeoJSON and turf want it. */
export function closed(ring: readonly LonLat[]): readonly LonLat[] {
  const [a, z] = [ring[0], ring[ring.length - 1]];
  return a[0] === z[0] && a[1] === z[1] ? ring : [...ring, a];
}
