/** Just enough planar geometry for a city a few kilometres across: centroids, bounds, point in polygon. Pure. */
import { pointInRing } from '@ioc/domain';

export type Position = readonly [number, number];

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

export function bounds(features: readonly Feature[]): [Position, Position] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const f of features)
    for (const [x, y] of positions(f.geometry)) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  return [
    [minX, minY],
    [maxX, maxY],
  ];
}

/** Area-weighted centroid of a polygon's outer ring; the middle vertex of a line; the point itself. */
export function centroid(g: Geometry): Position {
  if (g.type === 'Point') return g.coordinates as Position;
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    const ring = (g.type === 'Polygon' ? (g.coordinates as Position[][])[0] : (g.coordinates as Position[][][])[0][0]) ?? [];
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (a !== 0) return [cx / (3 * a), cy / (3 * a)];
  }
  const ps = positions(g);
  return ps[Math.floor(ps.length / 2)] ?? [0, 0];
}

export function contains(g: Geometry, p: Position): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates as Position[][]] : g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]) : [];
  return polys.some(([outer, ...holes]) => pointInRing(p, outer) && !holes.some((h) => pointInRing(p, h)));
}
