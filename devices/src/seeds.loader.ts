import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Catchment, City, CollectionRoute, DeviceSite, LandUse, Road, Ward } from './core/city';
import type { LonLat } from './core/geo';
import { resolveScenario, type Scenario, type ScenarioFile } from './core/scenario';

/** Reads the city model and scenarios from `seeds/` (the only file access of the simulator). */
export function seedsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'seeds', 'devices.json')) && existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'seeds');
    if (path.dirname(dir) === dir) throw new Error(`no seeds/ above ${__dirname}`);
  }
}

interface Feature<P> {
  id?: string;
  properties: P;
  geometry: { type: string; coordinates: unknown };
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const features = <P>(file: string): Array<Feature<P>> => readJson<{ features: Array<Feature<P>> }>(file).features;
const ring = (f: Feature<unknown>): LonLat[] => (f.geometry.coordinates as LonLat[][])[0];

export function loadCity(dir = seedsDir()): City {
  const c = (name: string) => path.join(dir, 'city', name);
  const wards: Ward[] = features<Omit<Ward, 'ring'>>(c('wards.geojson')).map((f) => ({ ...f.properties, ring: ring(f) }));
  const catchments: Catchment[] = features<Omit<Catchment, 'ring'>>(c('catchments.geojson')).map((f) => ({ ...f.properties, ring: ring(f) }));
  const riverF = features<{ id: string; name: string }>(c('river.geojson')).find((f) => f.geometry.type === 'LineString')!;
  const roads: Road[] = features<Omit<Road, 'line'>>(c('roads.geojson')).map((f) => ({ ...f.properties, line: f.geometry.coordinates as LonLat[] }));
  const landUse: LandUse[] = features<Omit<LandUse, 'ring'>>(c('land-use.geojson')).map((f) => ({ ...f.properties, ring: ring(f) }));
  const routes = readJson<{ routes: CollectionRoute[] }>(path.join(dir, 'routes.json')).routes;
  const devices = readJson<{ devices: DeviceSite[] }>(path.join(dir, 'devices.json')).devices;
  return { wards, catchments, river: { ...riverF.properties, line: riverF.geometry.coordinates as LonLat[] }, roads, landUse, routes, devices };
}

export function scenarioNames(dir = seedsDir()): string[] {
  return readdirSync(path.join(dir, 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function loadScenario(name: string, dir = seedsDir()): Scenario {
  const file = path.join(dir, 'scenarios', `${name}.json`);
  if (!existsSync(file)) throw new Error(`no scenario "${name}" (have: ${scenarioNames(dir).join(', ')})`);
  return resolveScenario(readJson<ScenarioFile>(file));
}
