/** A point as GeoJSON writes it: [longitude, latitude], degrees. */
export type LonLat = readonly [number, number];

/** Ray casting: is the point inside the ring (a polygon's outer boundary or a hole)? Planar; fine at city scale. */
export function pointInRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
