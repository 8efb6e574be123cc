import { followClock } from './cli';

const SCENARIO_START = Date.parse('2026-10-28T10:00:00+07:00');
const DURATION_S = 36_000;
const ANCHOR = Date.parse('2026-12-07T22:00:00Z');

describe('--follow-clock', () => {
  it('plays the scenario second the IOC clock reads at each wall time', () => {
    const clock = { startMs: Date.parse('2026-10-28T12:15:00+07:00'), speed: 60, anchorMs: ANCHOR };
    const at = followClock(clock, true, SCENARIO_START, DURATION_S);
    expect(at(ANCHOR)).toBe(2.25 * 3600); // 12:15 is 2 h 15 min into the scenario
    expect(at(ANCHOR + 10_000)).toBe(2.25 * 3600 + 600);
    expect(at(ANCHOR - 1_000)).toBe(2.25 * 3600 - 60);
  });

  it('needs the clock with its anchor, inside the scenario', () => {
    const clock = { startMs: SCENARIO_START, speed: 1, anchorMs: ANCHOR };
    expect(() => followClock(undefined, true, SCENARIO_START, DURATION_S)).toThrow(/IOC_CLOCK_START/);
    expect(() => followClock(clock, false, SCENARIO_START, DURATION_S)).toThrow(/IOC_CLOCK_ANCHOR/);
    expect(() => followClock({ ...clock, startMs: SCENARIO_START - 1 }, true, SCENARIO_START, DURATION_S)).toThrow(
      /outside the scenario/,
    );
    expect(() =>
      followClock({ ...clock, startMs: SCENARIO_START + DURATION_S * 1000 }, true, SCENARIO_START, DURATION_S),
    ).toThrow(/outside the scenario/);
  });
});
