import { loadCity } from './city.loader';
import { distanceM } from './geometry';
import { buildTopology } from './topology';

const city = loadCity();
const topology = buildTopology(city);

describe('topology', () => {
  it('knows every device and zone of the city, and the members of each zone', () => {
    expect(topology.devices.size).toBe(city.devices.length);
    const kinds = (k: string) => [...topology.zones.values()].filter((z) => z.kind === k).length;
    expect([kinds('ward'), kinds('catchment'), kinds('site'), kinds('river'), kinds('route')]).toEqual([
      10, 8, 7, 1, 25,
    ]);
    const gauges = topology.membersOf('river-maspero');
    expect(gauges.map((d) => d.type)).toEqual(['tide-gauge', 'tide-gauge', 'tide-gauge']);
    const route = topology.routes.get('R-P1-01')!;
    expect(
      topology
        .membersOfType('R-P1-01', 'bin')
        .map((d) => d.id)
        .sort(),
    ).toEqual([...route.binIds].sort());
    expect(topology.membersOfType('R-P1-01', 'truck').map((d) => d.id)).toEqual([route.truckId]);
    expect(topology.zones.get('catch-trung-tam-bac')).toMatchObject({
      warningLevelCm: 20,
      bankCm: 165,
      outfallInvertCm: 95,
    });
  });

  it('finds neighbours of the same type within a radius, nearest first, and keeps the answer', () => {
    const d = topology.devices.get('wl-p2-001')!;
    const near = topology.neighbours(d.id, 1500);
    expect(near.length).toBeGreaterThan(0);
    const metres = near.map((o) => distanceM([d.lon, d.lat], [o.lon, o.lat]));
    expect(metres).toEqual([...metres].sort((a, b) => a - b));
    expect(Math.max(...metres)).toBeLessThanOrEqual(1500);
    expect(near.every((o) => o.type === d.type && o.id !== d.id)).toBe(true);
    expect(topology.neighbours(d.id, 1500)).toBe(near);
    expect(topology.neighbours('no-such-device', 1500)).toEqual([]);
  });

  it('locates a point in its ward, catchment and site', () => {
    // Every street device of the registry stands in the ward and catchment it names (trucks wait at their depot, pumps
    // and sluice gates stand at their outfall on the river bank).
    const street = city.devices.filter((d) => !['truck', 'pump', 'sluice-gate'].includes(d.type));
    expect(street.length).toBeGreaterThan(1600);
    const wrong = street.filter((d) => {
      const z = topology.locate(d.lat, d.lon);
      return z.ward !== d.ward || z.catchment !== d.catchment;
    });
    expect(wrong.map((d) => d.id)).toEqual([]);
    const market = city.devices.find((d) => d.siteId === 'site-cho-soc-trang')!;
    expect(topology.locate(market.lat, market.lon).site).toBe('site-cho-soc-trang');
    expect(topology.locate(10.5, 106.5)).toEqual({});
  });
});
