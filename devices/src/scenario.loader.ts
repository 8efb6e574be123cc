import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSeedsDir } from '@ioc/city';
import { resolveScenario, type Scenario, type ScenarioFile } from './core/scenario';

/** Reads the scenarios of `seeds/scenarios/` (the city model is @ioc/city's `loadCity`). */
export function scenarioNames(dir = findSeedsDir()): string[] {
  return readdirSync(path.join(dir, 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function loadScenario(name: string, dir = findSeedsDir()): Scenario {
  const file = path.join(dir, 'scenarios', `${name}.json`);
  if (!existsSync(file)) throw new Error(`no scenario "${name}" (have: ${scenarioNames(dir).join(', ')})`);
  return resolveScenario(JSON.parse(readFileSync(file, 'utf8')) as ScenarioFile);
}
