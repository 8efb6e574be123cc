import type { DeviceDto } from '../api/ioc-api';

export type DeviceHealth = 'online' | 'stale' | 'offline' | 'never' | 'disabled';

/** Without the server's limit for the type: the offline rule's usual silence. */
const DEFAULT_STALE_AFTER_S = 300;

/**
 * A device's health: disabled; never heard from; online while the server counts it online (heard from within the
 * offline rule's limit for its type); late up to three times that limit; offline after. Pure.
 */
export function deviceHealth(
  d: Pick<DeviceDto, 'status' | 'lastSeenAt' | 'online' | 'staleAfterS'>,
  now: number,
): DeviceHealth {
  if (d.status === 'disabled') return 'disabled';
  if (!d.lastSeenAt) return 'never';
  const limitMs = (d.staleAfterS ?? DEFAULT_STALE_AFTER_S) * 1000;
  const age = now - Date.parse(d.lastSeenAt);
  if (d.online ?? age <= limitMs) return 'online';
  return age <= 3 * limitMs ? 'stale' : 'offline';
}

export const HEALTH_ORDER: readonly DeviceHealth[] = ['offline', 'stale', 'never', 'disabled', 'online'];
