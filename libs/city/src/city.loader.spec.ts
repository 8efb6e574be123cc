import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CityModelError } from './city-model.error';
import { findSeedsDir, loadCity } from './city.loader';

/** A copy of the repository's city seeds, changed by `edit` (file relative to the seeds dir → its new JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach into parsed seed JSON by path
function brokenSeeds(edit: Record<string, (json: any) => unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-city-'));
  fs.cpSync(path.join(findSeedsDir(), 'city'), path.join(dir, 'city'), { recursive: true });
  for (const f of ['devices.json', 'routes.json']) fs.copyFileSync(path.join(findSeedsDir(), f), path.join(dir, f));
  for (const [file, change] of Object.entries(edit)) {
    const full = path.join(dir, file);
    const next = change(JSON.parse(fs.readFileSync(full, 'utf8')));
    if (next === undefined) fs.rmSync(full);
    else fs.writeFileSync(full, typeof next === 'string' ? next : JSON.stringify(next));
  }
  return dir;
}

function problemsOf(dir: string): readonly string[] {
  try {
    loadCity(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(CityModelError);
    expect((err as CityModelError).code).toBe('CITY_INVALID');
    return (err as CityModelError).problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('the broken seeds loaded');
}

describe('loadCity', () => {
  it('reads the city model of seeds/', () => {
    const city = loadCity();
    expect(city.wards.map((w) => w.id)).toEqual(Array.from({ length: 10 }, (_, i) => `ward-p${i + 1}`));
    for (const w of city.wards) expect(w.codes.map((c) => c.scheme)).toEqual(['pre-2025', '2025']);
    expect(city.catchments).toHaveLength(8);
    expect(city.catchments.find((c) => c.id === 'catch-trung-tam-bac')!.outfall).toEqual({
      at: [105.9705, 9.6013],
      invertCm: 95,
      sluiceGateId: 'sg-p1-01',
    });
    expect(city.river).toMatchObject({
      id: 'river-maspero',
      name: 'Sông Maspero',
      reach: { id: 'river-maspero-tidal-reach' },
    });
    expect(city.river.bridges.map((b) => b.name)).toContain('Cầu chữ Y');
    expect(city.roads).toHaveLength(12);
    expect(city.landUse.find((l) => l.id === 'site-festival-bank-north')).toMatchObject({
      kind: 'festival-bank',
      capacityPersons: 45000,
      areaM2: 15000,
    });
    expect(city.devices).toHaveLength(1729);
    expect(city.devices.find((d) => d.id === 'pump-p3-01')).toMatchObject({
      type: 'pump',
      capacityMmH: 22,
      flowM3h: 2400,
    });
    expect(city.routes).toHaveLength(25);
    // Read-only data: the rings are the file's own.
    expect(city.wards[0].ring[0]).toEqual(city.wards[0].ring[city.wards[0].ring.length - 1]);
  });

  it('refuses broken seeds, naming the file and JSON path of every problem', () => {
    const problems = problemsOf(
      brokenSeeds({
        'city/wards.geojson': (j) => {
          delete j.features[2].properties.name;
          j.features[3].geometry.coordinates[0].pop();
          return j;
        },
        'city/catchments.geojson': (j) => {
          j.features[1].properties.runoffCoeff = 1.4;
          return j;
        },
        'devices.json': (j) => {
          j.devices[6].type = 'drone';
          return j;
        },
      }),
    );
    expect(problems).toEqual([
      'city/wards.geojson features[2].properties.name: Invalid input: expected string, received undefined',
      'city/wards.geojson features[3].geometry.coordinates[0]: a ring must end where it starts',
      expect.stringMatching(/^city\/catchments\.geojson features\[1\]\.properties\.runoffCoeff: Too big/),
      expect.stringMatching(/^devices\.json devices\[6\]\.type: Invalid option/),
    ]);
  });

  it('checks the references between files (once every file has its shape)', () => {
    const problems = problemsOf(
      brokenSeeds({
        'devices.json': (j) => {
          j.devices[5].ward = 'ward-p99';
          j.devices[7].id = j.devices[8].id;
          return j;
        },
        'routes.json': (j) => {
          j.routes[0].binIds[0] = 'cam-ql1-001';
          j.routes[1].truckId = 'truck-99';
          return j;
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^devices\.json devices\[8\]: id ".*" is used twice \(first at devices\.json devices\[7\]\)$/,
        ),
        'devices.json devices[5].ward: "ward-p99" is not a ward of city/wards.geojson',
        'routes.json routes[0].binIds[0]: "cam-ql1-001" is not a bin of devices.json',
        'routes.json routes[1].truckId: "truck-99" is not a truck of devices.json',
      ]),
    );
  });

  it('names a missing file or one that is not JSON', () => {
    const problems = problemsOf(
      brokenSeeds({ 'city/roads.geojson': () => undefined, 'routes.json': () => '{ "routes": [' }),
    );
    expect(problems).toEqual(['city/roads.geojson: missing', expect.stringMatching(/^routes\.json: .*JSON/)]);
  });
});
