import { createHash } from 'node:crypto';
import type { IncidentSignal } from '@ioc/domain';

/** JSON with object keys sorted: one text per value, so equal signals hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** SHA-256 of the canonical JSON of a signal sequence (determinism checks, replay comparisons). */
export function signalDigest(signals: readonly IncidentSignal[]): string {
  return createHash('sha256').update(canonicalJson(signals)).digest('hex');
}
