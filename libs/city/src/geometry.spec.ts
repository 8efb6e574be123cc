import {
  bearingDeg,
  boundsOf,
  centreOf,
  convexHull,
  distanceM,
  lineLengthM,
  pointAlong,
  pointBetween,
  pointInPolygon,
  preparePolygon,
  type LonLat,
} from './geometry';

describe('geometry', () => {
  it('measures great-circle distances and bearings in metres and degrees', () => {
    // One degree of latitude on the mean sphere: 111.195 km; a degree of longitude shrinks with cos(latitude).
    expect(distanceM([105.97, 9.6], [105.97, 10.6])).toBeCloseTo(111_195, -1);
    expect(distanceM([105.97, 9.6], [106.97, 9.6]) / distanceM([105.97, 9.6], [105.97, 10.6])).toBeCloseTo(
      Math.cos((9.6 * Math.PI) / 180),
      3,
    );
    expect(distanceM([105.97, 9.6], [105.97, 9.6])).toBe(0);
    expect(bearingDeg([105.97, 9.6], [105.98, 9.6])).toBeCloseTo(90, 1);
    expect(bearingDeg([105.97, 9.6], [105.96, 9.6])).toBeCloseTo(270, 1);
    expect(bearingDeg([105.97, 9.6], [105.97, 9.59])).toBeCloseTo(180, 5);
  });

  it('walks along lines', () => {
    const line: LonLat[] = [
      [105.97, 9.6],
      [105.98, 9.6],
      [105.98, 9.61],
    ];
    const total = lineLengthM(line);
    expect(total).toBeCloseTo(distanceM(line[0], line[1]) + distanceM(line[1], line[2]), 6);
    expect(distanceM(pointAlong(line, distanceM(line[0], line[1])), line[1])).toBeLessThan(0.01);
    expect(pointAlong(line, total + 500)).toEqual(line[2]);
    expect(pointAlong(line, 0)).toEqual(line[0]);
    expect(pointBetween([0, 0], [2, 4], 0.25)).toEqual([0.5, 1]);
  });

  it('tells points inside a polygon (its boundary included) and outside, its centre and bounds', () => {
    const square: LonLat[] = [
      [105, 9],
      [106, 9],
      [106, 10],
      [105, 10],
    ];
    const p = preparePolygon(square);
    expect(p.bounds).toEqual([105, 9, 106, 10]);
    expect(pointInPolygon([105.5, 9.5], p)).toBe(true);
    expect(pointInPolygon([106, 9.5], p)).toBe(true);
    expect(pointInPolygon([106.01, 9.5], p)).toBe(false);
    const ring = preparePolygon(square, [
      [
        [105.4, 9.4],
        [105.6, 9.4],
        [105.6, 9.6],
        [105.4, 9.6],
      ],
    ]);
    expect(pointInPolygon([105.5, 9.5], ring)).toBe(false);
    const [lon, lat] = centreOf(square);
    expect(lon).toBeCloseTo(105.5, 9);
    expect(lat).toBeCloseTo(9.5, 9);
    // The centre of mass, not the mean of the vertices: extra vertices along one side do not pull it.
    const dense: LonLat[] = [
      [105, 9],
      [105.25, 9],
      [105.5, 9],
      [105.75, 9],
      [106, 9],
      [106, 10],
      [105, 10],
      [105, 9],
    ];
    expect(centreOf(dense)[1]).toBeCloseTo(9.5, 9);
    expect(
      boundsOf([
        [1, 2],
        [3, -1],
        [2, 5],
      ]),
    ).toEqual([1, -1, 3, 5]);
  });

  it('the convex hull keeps the outer points only, as a closed ring', () => {
    const hull = convexHull([
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
      [1, 0],
    ]);
    expect(hull[0]).toEqual(hull[hull.length - 1]);
    expect(new Set(hull.map((p) => p.join(',')))).toEqual(new Set(['0,0', '2,0', '2,2', '0,2']));
    expect(
      convexHull([
        [0, 0],
        [1, 1],
      ]),
    ).toEqual([]);
  });
});
