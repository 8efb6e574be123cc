/** Small planar geometry on WGS84 degrees; good enough at city scale (≈ 9 km across). */
import type { LonLat } from '@ioc/domain';

export type { LonLat };

const M_PER_DEG_LAT = 110_600;
const M_PER_DEG_LON = 109_700; // at 9.6° N

export function distanceM(a: LonLat, b: LonLat): number {
  const dx = (a[0] - b[0]) * M_PER_DEG_LON;
  const dy = (a[1] - b[1]) * M_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Heading from a to b, degrees clockwise from north, 0 ≤ h < 360. */
export function headingDeg(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * M_PER_DEG_LON;
  const dy = (b[1] - a[1]) * M_PER_DEG_LAT;
  const h = (Math.atan2(dx, dy) * 180) / Math.PI;
  return h < 0 ? h + 360 : h;
}

export function lerp(a: LonLat, b: LonLat, f: number): LonLat {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** Ray casting on the outer ring of a polygon (one implementation for the simulator, the engine and the console). */
export { pointInRing } from '@ioc/domain';

export function polylineLengthM(line: readonly LonLat[]): number {
  let d = 0;
  for (let i = 1; i < line.length; i++) d += distanceM(line[i - 1], line[i]);
  return d;
}

/** The point `m` metres along a polyline (clamped to its ends). */
export function pointAlong(line: readonly LonLat[], m: number): LonLat {
  let left = m;
  for (let i = 1; i < line.length; i++) {
    const seg = distanceM(line[i - 1], line[i]);
    if (left <= seg) return lerp(line[i - 1], line[i], seg === 0 ? 0 : left / seg);
    left -= seg;
  }
  return line[line.length - 1];
}
