import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseRuleFiles, type RuleFileText } from './rule-file';
import type { RuleSet } from './rule.types';
import { buildTopology, type DeviceRecord, type FeatureCollection, type RouteRecord, type Topology, type TopologySource } from './topology';

/** The only file access of the correlation library: reads `seeds/` and hands parsed data to the pure builders. */
export function findSeedsDir(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'seeds', 'devices.json')) && existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'seeds');
    if (path.dirname(dir) === dir) throw new Error(`no seeds/ above ${from}`);
  }
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export function loadTopology(seedsDir = findSeedsDir()): Topology {
  return buildTopology(loadTopologySource(seedsDir));
}

/** The parsed seed files, for callers that change the fleet before building (the benchmark's larger fleet). */
export function loadTopologySource(seedsDir = findSeedsDir()): TopologySource {
  const city = (name: string) => readJson<FeatureCollection>(path.join(seedsDir, 'city', name));
  return {
    wards: city('wards.geojson'),
    catchments: city('catchments.geojson'),
    landUse: city('land-use.geojson'),
    river: existsSync(path.join(seedsDir, 'city', 'river.geojson')) ? city('river.geojson') : undefined,
    devices: readJson<{ devices: DeviceRecord[] }>(path.join(seedsDir, 'devices.json')).devices,
    routes: readJson<{ routes: RouteRecord[] }>(path.join(seedsDir, 'routes.json')).routes,
  };
}

/** Reads every `*.yaml` under `seeds/rules/` (or `dir`), in name order, and validates them (errors name file, rule and path). */
export function loadRules(dir = path.join(findSeedsDir(), 'rules')): RuleSet {
  const files: RuleFileText[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ name: path.join(path.basename(dir), f), text: readFileSync(path.join(dir, f), 'utf8') }));
  return parseRuleFiles(files);
}
