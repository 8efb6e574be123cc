import { scaledClock, systemClock } from './clock';
import { clockSettingFrom, loadConfig } from './config';
import { clockFor } from './platform.module';

const START = Date.parse('2026-10-28T12:15:00+07:00');
const ANCHOR = Date.parse('2026-12-07T22:00:00Z');

describe('scaledClock', () => {
  it('reads start + real elapsed since the anchor × speed', () => {
    let real = ANCHOR;
    const clock = scaledClock({ startMs: START, speed: 60, anchorMs: ANCHOR }, () => real);
    expect(clock.nowMs()).toBe(START);
    real += 1_000;
    expect(clock.nowMs()).toBe(START + 60_000);
    expect(clock.now()).toEqual(new Date(START + 60_000));
    real = ANCHOR - 500; // before its anchor the clock reads before its start
    expect(clock.nowMs()).toBe(START - 30_000);
  });

  it('turns clock durations into real delays and clock times into real times, and back', () => {
    const clock = scaledClock({ startMs: START, speed: 60, anchorMs: ANCHOR }, () => ANCHOR);
    expect(clock.speed).toBe(60);
    expect(clock.realDelayMs(15 * 60_000)).toBe(15_000); // an escalation level 15 minutes on: 15 real seconds
    expect(clock.realDelayMs(-5_000)).toBe(0);
    expect(clock.realTimeAt(START + 60_000)).toBe(ANCHOR + 1_000);
    expect(clock.clockAt(ANCHOR + 1_000)).toBe(START + 60_000);
    expect(clock.clockAt(clock.realTimeAt(START + 123_456))).toBeCloseTo(START + 123_456, -1);
  });

  it('runs slower than real time too, and refuses a speed that is not positive', () => {
    const slow = scaledClock({ startMs: START, speed: 0.5, anchorMs: ANCHOR }, () => ANCHOR + 2_000);
    expect(slow.nowMs()).toBe(START + 1_000);
    expect(slow.realDelayMs(1_000)).toBe(2_000);
    for (const speed of [0, -1, Infinity, NaN])
      expect(() => scaledClock({ startMs: START, speed, anchorMs: ANCHOR })).toThrow(RangeError);
  });

  it('the system clock is the identity', () => {
    expect(systemClock.speed).toBe(1);
    expect(systemClock.realDelayMs(1234)).toBe(1234);
    expect(systemClock.realDelayMs(-1)).toBe(0);
    expect(systemClock.realTimeAt(42)).toBe(42);
    expect(systemClock.clockAt(42)).toBe(42);
    expect(Math.abs(systemClock.nowMs() - Date.now())).toBeLessThan(1000);
  });
});

describe('the clock settings', () => {
  it('leave the system clock when IOC_CLOCK_START is unset', () => {
    expect(loadConfig({}).clock).toBeUndefined();
    expect(clockFor(loadConfig({}))).toBe(systemClock);
  });

  it('set a scenario clock, anchored when the configuration was loaded unless IOC_CLOCK_ANCHOR says', () => {
    expect(loadConfig({ IOC_CLOCK_START: '2026-10-28T12:15:00+07:00' }, ANCHOR).clock).toEqual({
      startMs: START,
      speed: 1,
      anchorMs: ANCHOR,
    });
    const c = loadConfig(
      { IOC_CLOCK_START: '2026-10-28T05:15:00Z', IOC_CLOCK_SPEED: '60', IOC_CLOCK_ANCHOR: '2026-12-07T22:00:00Z' },
      0,
    );
    expect(c.clock).toEqual({ startMs: START, speed: 60, anchorMs: ANCHOR });
    expect(clockFor(c).speed).toBe(60);
  });

  it('refuse bad values and a speed or anchor without a start, each by name (CONFIG_INVALID)', () => {
    for (const [env, name] of [
      [{ IOC_CLOCK_START: '28/10/2026 12:15' }, 'IOC_CLOCK_START'],
      [{ IOC_CLOCK_START: '2026-10-28T12:15:00' }, 'IOC_CLOCK_START'], // no offset
      [{ IOC_CLOCK_START: '2026-10-28T12:15:00Z', IOC_CLOCK_SPEED: '0' }, 'IOC_CLOCK_SPEED'],
      [{ IOC_CLOCK_START: '2026-10-28T12:15:00Z', IOC_CLOCK_SPEED: 'fast' }, 'IOC_CLOCK_SPEED'],
      [{ IOC_CLOCK_START: '2026-10-28T12:15:00Z', IOC_CLOCK_SPEED: '3601' }, 'IOC_CLOCK_SPEED'],
      [{ IOC_CLOCK_SPEED: '60' }, 'IOC_CLOCK_SPEED'],
      [{ IOC_CLOCK_ANCHOR: '2026-12-07T22:00:00Z' }, 'IOC_CLOCK_ANCHOR'],
    ] as const)
      expect(() => loadConfig(env)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) }),
      );
  });

  it('are read alone by clockSettingFrom, whatever else the environment holds', () => {
    const env = { HTTP_PORT: 'not-a-port', IOC_CLOCK_START: '2026-10-28T05:15:00Z', IOC_CLOCK_SPEED: '20' };
    expect(clockSettingFrom(env, ANCHOR)).toEqual({ startMs: START, speed: 20, anchorMs: ANCHOR });
    expect(clockSettingFrom({}, ANCHOR)).toBeUndefined();
  });
});
