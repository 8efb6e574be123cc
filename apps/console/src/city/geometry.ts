/**
 * The console's view of the city's GeoJSON (as `/city/*.geojson` serves it) over the one geometry of @ioc/city:
 * centres, bounds, point in polygon. Pure.
 */
import {
  boundsOf,
  centreOf,
  lineLengthM,
  pointAlong,
  pointInPolygon,
  preparePolygon,
  type LonLat,
  type PreparedPolygon,
} from '@ioc/city';

export type Position = LonLat;

export interface Geometry {
  readonly type: string;
  readonly coordinates: unknown;
}

export interface Feature {
  readonly type: 'Feature';
  readonly id?: string | number;
  readonly properties: Readonly<Record<string, unknown>> & { readonly id?: string; readonly name?: string };
  readonly geometry: Geometry;
}

export interface FeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly Feature[];
}

/** Every position of a geometry (Point, LineString, Polygon and their Multi- forms). */
export function positions(g: Geometry): Position[] {
  const out: Position[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') out.push([c[0] as number, c[1] as number]);
    else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  walk(g.coordinates);
  return out;
}

/** South-west and north-east corners of the features, as MapLibre's `bounds` wants them. */
export function bounds(features: readonly Feature[]): [Position, Position] {
  const [w, s, e, n] = boundsOf(features.flatMap((f) => positions(f.geometry)));
  return [
    [w, s],
    [e, n],
  ];
}

/** Where a feature is drawn: a polygon's centre of mass (its first polygon's), a line's midpoint, the point itself. */
export function centroid(g: Geometry): Position {
  if (g.type === 'Point') return g.coordinates as Position;
  if (g.type === 'Polygon') return centreOf((g.coordinates as Position[][])[0]);
  if (g.type === 'MultiPolygon') return centreOf((g.coordinates as Position[][][])[0][0]);
  if (g.type === 'LineString') {
    const line = g.coordinates as Position[];
    return pointAlong(line, lineLengthM(line) / 2);
  }
  const ps = positions(g);
  return ps[Math.floor(ps.length / 2)] ?? [0, 0];
}

/** A polygon or multipolygon prepared for `contains` (holes included). */
export function shapeOf(g: Geometry): readonly PreparedPolygon[] {
  const polys =
    g.type === 'Polygon'
      ? [g.coordinates as Position[][]]
      : g.type === 'MultiPolygon'
        ? (g.coordinates as Position[][][])
        : [];
  return polys.map(([outer, ...holes]) => preparePolygon(outer, holes));
}

export function contains(shape: readonly PreparedPolygon[], p: Position): boolean {
  return shape.some((poly) => pointInPolygon(p, poly));
}
