import { deviceHealth } from './device-health';

describe('deviceHealth', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  const seen = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  it('grades a device by the age of its last message', () => {
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(1) }, now)).toBe('online');
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(15) }, now)).toBe('stale');
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(45) }, now)).toBe('offline');
    expect(deviceHealth({ status: 'active', lastSeenAt: null }, now)).toBe('never');
    expect(deviceHealth({ status: 'disabled', lastSeenAt: seen(1) }, now)).toBe('disabled');
    expect(deviceHealth({ status: 'active', lastSeenAt: seen(45), online: true }, now)).toBe('online');
  });
});
