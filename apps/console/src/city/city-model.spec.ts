import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CITY_LAYERS } from '@ioc/city';
import { CityModel } from './city-model';
import { bounds } from './geometry';

const SEEDS = path.resolve(__dirname, '../../../../seeds');
const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(SEEDS, file), 'utf8')) as T;
/** The console's city from the same files the server serves at /city/. */
const model = new CityModel(
  Object.fromEntries(CITY_LAYERS.map((l) => [l, read(`city/${l}.geojson`)])) as ConstructorParameters<
    typeof CityModel
  >[0],
);
const city = {
  devices: read<{ devices: Array<{ id: string; type: string; ward: string; lat: number; lon: number }> }>(
    'devices.json',
  ).devices,
  wards: model.wards.map((w) => ({ id: String(w.properties.id) })),
};

describe('console city model', () => {
  it('places every street sensor in the ward the server says, and names zones', () => {
    const sensors = city.devices.filter((d) => d.type === 'water-level-sensor' || d.type === 'camera');
    expect(sensors.filter((d) => model.wardAt([d.lon, d.lat]) !== d.ward).map((d) => d.id)).toEqual([]);
    expect(model.wardAt([106.5, 10.5])).toBeUndefined();
    expect(model.wardName('ward-p1')).toBe('Phường 1');
    expect(model.zoneName('river-maspero')).toBe('Sông Maspero');
    expect(model.zoneName('R-P1-01')).toBe('R-P1-01');
  });

  it('draws a zone at its centre, inside its ward', () => {
    for (const w of city.wards) expect(model.wardAt(model.centreOf(w.id)!)).toBe(w.id);
    const river = model.centreOf('river-maspero')!;
    const [[w, s], [e, n]] = bounds(model.wards);
    expect(river[0]).toBeGreaterThan(w);
    expect(river[0]).toBeLessThan(e);
    expect(river[1]).toBeGreaterThan(s);
    expect(river[1]).toBeLessThan(n);
    expect(model.centreOf('no-such-zone')).toBeUndefined();
  });
});
