import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CityModelError } from './city-model.error';
import type { City } from './city.model';
import { CITY_FILES, parseCity, type CityDocuments } from './city.schema';

/** The repository's `seeds/`, found upwards from `from` (this file, in the sources or in dist/). */
export function findSeedsDir(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'seeds', 'devices.json')) && existsSync(path.join(dir, 'package.json')))
      return path.join(dir, 'seeds');
    if (path.dirname(dir) === dir) throw new Error(`no seeds/ above ${from}`);
  }
}

/**
 * Reads and validates the city model of a seeds directory: `city/*.geojson`, `devices.json`, `routes.json` (the only
 * file access of the city library). Throws a CityModelError with every problem of every file.
 */
export function loadCity(seedsDir = findSeedsDir()): City {
  const problems: string[] = [];
  const docs = Object.fromEntries(
    Object.entries(CITY_FILES).map(([key, file]) => {
      try {
        return [key, JSON.parse(readFileSync(path.join(seedsDir, file), 'utf8')) as unknown];
      } catch (err) {
        problems.push(
          `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`,
        );
        return [key, undefined];
      }
    }),
  ) as CityDocuments;
  if (problems.length) throw new CityModelError(problems);
  return parseCity(docs);
}
