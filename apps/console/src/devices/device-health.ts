import type { DeviceDto } from '../api/ioc-api';

export type DeviceHealth = 'online' | 'stale' | 'offline' | 'never' | 'disabled';

/** Heard from within this: online (devices report every few minutes at most; the offline rule waits 5 min of silence). */
export const ONLINE_WITHIN_MS = 10 * 60_000;
/** Silent longer than this: offline; in between, late. */
export const OFFLINE_AFTER_MS = 30 * 60_000;

/** A device's health from the registry: disabled, never heard from, or by the age of its last message. Pure. */
export function deviceHealth(d: Pick<DeviceDto, 'status' | 'lastSeenAt' | 'online'>, now: number): DeviceHealth {
  if (d.status === 'disabled') return 'disabled';
  if (!d.lastSeenAt) return 'never';
  const age = now - Date.parse(d.lastSeenAt);
  if (d.online === true || age <= ONLINE_WITHIN_MS) return 'online';
  return age <= OFFLINE_AFTER_MS ? 'stale' : 'offline';
}

export const HEALTH_ORDER: readonly DeviceHealth[] = ['offline', 'stale', 'never', 'disabled', 'online'];
