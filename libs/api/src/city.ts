import type { CitySeeds } from '@ioc/incidents';
import type { Topology } from '@ioc/correlation';

/** What the API reads from the city model (seeds/): the topology and how long each device type may stay silent. */
export interface City {
  readonly topology: Topology;
  /** Per device type: silent longer than this counts as offline (the device-offline rule's own limits). */
  readonly silenceAfterMs: Readonly<Record<string, number>>;
}

export const CITY = Symbol('CITY');

/** A device type the offline rule does not list counts as offline after this long without a message. */
export const DEFAULT_SILENCE_AFTER_MS = 15 * 60_000;

export function cityFrom({ topology, rules }: CitySeeds): City {
  const offline = rules.rules.find((r) => r.type === 'device-offline');
  const silenceAfterMs = offline && 'silenceAfterMs' in offline.params ? (offline.params.silenceAfterMs as Record<string, number>) : {};
  return { topology, silenceAfterMs };
}
