import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CITY_FILES, type CityDocuments } from './city.schema';
import { findSeedsDir } from './city.loader';

/**
 * Which city model a piece of history belongs to: a SHA-256 over the parsed content of every seed file of the model
 * (`CITY_FILES`, in key order), so reformatting a file does not change it while moving a device, a ward boundary or
 * a route does. A recording made on one model replays correctly only on the same model (device ids, zones, routes).
 */
export interface CityModelVersion {
  /** `sha256:<hex>` of the model's content. */
  readonly hash: string;
  /** Devices in the model: a readable hint beside the hash. */
  readonly devices: number;
}

/** The version of parsed seed documents (pure). */
export function cityModelVersionOf(docs: CityDocuments): CityModelVersion {
  const h = createHash('sha256');
  for (const key of Object.keys(CITY_FILES).sort() as Array<keyof CityDocuments>)
    h.update(`${CITY_FILES[key]}\n${JSON.stringify(docs[key])}\n`);
  const devices = (docs.devices as { devices?: unknown[] } | unknown[] | undefined) ?? [];
  const list = Array.isArray(devices) ? devices : (devices.devices ?? []);
  return { hash: `sha256:${h.digest('hex')}`, devices: list.length };
}

/** The version of the city model in a seeds directory (the files loadCity reads). */
export function loadCityModelVersion(seedsDir = findSeedsDir()): CityModelVersion {
  const docs = Object.fromEntries(
    Object.entries(CITY_FILES).map(([key, file]) => [
      key,
      JSON.parse(readFileSync(path.join(seedsDir, file), 'utf8')) as unknown,
    ]),
  ) as CityDocuments;
  return cityModelVersionOf(docs);
}
