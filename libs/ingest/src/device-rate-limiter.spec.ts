import { DeviceRateLimiter } from './device-rate-limiter';

const T0 = Date.parse('2026-11-21T03:00:00.000Z');

/** How many of `n` messages at `atMs` the device gets through. */
function takeMany(l: DeviceRateLimiter, deviceId: string, n: number, atMs: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) if (l.take(deviceId, atMs)) passed++;
  return passed;
}

describe('DeviceRateLimiter', () => {
  it('lets a burst through at once, then refills at the rate, on the time it is given', () => {
    const l = new DeviceRateLimiter({ ratePerS: 10, burst: 600 });
    expect(takeMany(l, 'bin-1', 700, T0)).toBe(600);
    expect(l.take('bin-1', T0 + 99)).toBe(false);
    expect(l.take('bin-1', T0 + 100)).toBe(true); // one token every 100 ms
    expect(l.take('bin-1', T0 + 100)).toBe(false);
    expect(takeMany(l, 'bin-1', 100, T0 + 1100)).toBe(10);
    // A long quiet spell fills the bucket to the burst, no further.
    expect(takeMany(l, 'bin-1', 1000, T0 + 3_600_000)).toBe(600);
  });

  it('holds a steady sender to the rate', () => {
    const l = new DeviceRateLimiter({ ratePerS: 2, burst: 1 });
    let passed = 0;
    for (let ms = 0; ms < 10_000; ms += 50) if (l.take('wl-1', T0 + ms)) passed++;
    expect(passed).toBe(20);
  });

  it('keeps one bucket per device', () => {
    const l = new DeviceRateLimiter({ ratePerS: 1, burst: 3 });
    expect(takeMany(l, 'a', 5, T0)).toBe(3);
    expect(takeMany(l, 'b', 5, T0)).toBe(3);
    expect(l.take('a', T0 + 1000)).toBe(true);
    expect(l.take('a', T0 + 1000)).toBe(false);
    expect(l.take('b', T0 + 1000)).toBe(true);
  });

  it('refills nothing when the clock steps back', () => {
    const l = new DeviceRateLimiter({ ratePerS: 1, burst: 1 });
    expect(l.take('a', T0)).toBe(true);
    expect(l.take('a', T0 - 60_000)).toBe(false);
    expect(l.take('a', T0 + 999)).toBe(false);
    expect(l.take('a', T0 + 1000)).toBe(true);
  });

  it('drops buckets idle long enough to be full, so memory follows the devices heard from lately', () => {
    // A bucket fills in 600 / 10 = 60 s; idle buckets are looked for once a minute at most.
    const l = new DeviceRateLimiter({ ratePerS: 10, burst: 600 });
    for (let i = 0; i < 1000; i++) l.take(`old-${i}`, T0);
    expect(l.size).toBe(1000);
    l.take('busy', T0 + 30_000);
    expect(l.size).toBe(1001);
    l.take('busy', T0 + 60_000); // the first sweep is due; the old buckets are full just now
    expect(l.size).toBe(1);
    // A dropped device starts again from a full bucket, as it would have had.
    expect(takeMany(l, 'old-1', 700, T0 + 60_000)).toBe(600);
    l.take('busy', T0 + 90_000);
    expect(l.size).toBe(2);
    l.take('busy', T0 + 120_000); // the next sweep: old-1 has been quiet for 60 s, busy for 30
    expect(l.size).toBe(1);
  });

  it('refuses a limit that could never let anything through', () => {
    expect(() => new DeviceRateLimiter({ ratePerS: 0, burst: 10 })).toThrow(RangeError);
    expect(() => new DeviceRateLimiter({ ratePerS: 1, burst: 0 })).toThrow(RangeError);
    expect(new DeviceRateLimiter({ ratePerS: 0.5, burst: 30 }).describe()).toBe('0.5 msg/s (bursts of up to 30)');
  });
});
