import type { Topology } from '@ioc/city';
import type { RuleSet } from '@ioc/correlation';

/** What the API reads from the city model (seeds/): the topology and how long each device type may stay silent. */
export interface ApiCity {
  readonly topology: Topology;
  /** Per device type: silent longer than this counts as offline (the device-offline rule's own limits). */
  readonly silenceAfterMs: Readonly<Record<string, number>>;
}

export const API_CITY = Symbol('API_CITY');

/** A device type the offline rule does not list counts as offline after this long without a message. */
export const DEFAULT_SILENCE_AFTER_MS = 15 * 60_000;

export function apiCityFrom(topology: Topology, rules: RuleSet): ApiCity {
  const offline = rules.rules.find((r) => r.type === 'device-offline');
  const silenceAfterMs =
    offline && 'silenceAfterMs' in offline.params ? (offline.params.silenceAfterMs as Record<string, number>) : {};
  return { topology, silenceAfterMs };
}
