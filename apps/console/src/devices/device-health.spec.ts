import { deviceHealth } from './device-health';

describe('deviceHealth', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  const seen = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  it('follows the server’s online flag, then grades the silence against the type’s limit', () => {
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(1), online: true, staleAfterS: 300 }, now)).toBe('online');
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(10), online: false, staleAfterS: 300 }, now)).toBe(
      'stale',
    );
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(16), online: false, staleAfterS: 300 }, now)).toBe(
      'offline',
    );
    expect(deviceHealth({ status: 'unregistered', lastSeenAt: null, online: false }, now)).toBe('never');
    expect(deviceHealth({ status: 'disabled', lastSeenAt: seen(1), online: true }, now)).toBe('disabled');
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(2) }, now)).toBe('online');
  });
});
