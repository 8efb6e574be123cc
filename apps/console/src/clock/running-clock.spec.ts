import type { ExerciseDto } from '@ioc/contracts';
import { drillClock, iocClock, readClock, tickEvery } from './running-clock';

const REAL = Date.parse('2026-12-08T03:00:00Z');

describe('the IOC clock', () => {
  it('runs a scenario clock on at its speed from the moment the answer came', () => {
    const c = iocClock({ now: '2026-10-28T05:15:00.000Z', speed: 60, scenario: true }, REAL);
    expect(new Date(readClock(c, REAL)).toISOString()).toBe('2026-10-28T05:15:00.000Z');
    expect(new Date(readClock(c, REAL + 1_000)).toISOString()).toBe('2026-10-28T05:16:00.000Z');
    expect(new Date(readClock(c, REAL + 90_000)).toISOString()).toBe('2026-10-28T06:45:00.000Z');
    // A browser clock stepped back does not run it backwards.
    expect(readClock(c, REAL - 5_000)).toBe(Date.parse('2026-10-28T05:15:00.000Z'));
  });

  it('runs the system clock at real time, whatever the browser’s wall clock says', () => {
    const c = iocClock({ now: '2026-12-08T03:00:07.000Z', speed: 1, scenario: false }, REAL);
    expect(readClock(c, REAL + 2_500)).toBe(Date.parse('2026-12-08T03:00:09.500Z'));
    expect(iocClock({ now: '2026-12-08T03:00:07.000Z', speed: 0, scenario: false }, REAL).rate).toBe(1);
  });
});

describe('the drill clock', () => {
  const exercise = (over: Partial<ExerciseDto>) =>
    ({
      status: 'running',
      paused: false,
      speed: 60,
      drillTime: '2026-10-14T09:00:00.000Z',
      to: '2026-10-14T10:00:00.000Z',
      ...over,
    }) as ExerciseDto;
  const at = (c: ReturnType<typeof drillClock>, dt: number) => new Date(readClock(c, REAL + dt)).toISOString();

  it('advances at the exercise’s speed between reads, up to the recording’s end', () => {
    const c = drillClock(exercise({}), REAL);
    expect(at(c, 0)).toBe('2026-10-14T09:00:00.000Z');
    expect(at(c, 2_000)).toBe('2026-10-14T09:02:00.000Z');
    expect(at(c, 3_600_000)).toBe('2026-10-14T10:00:00.000Z');
  });

  it('runs at the exercise’s speed times the IOC’s when the IOC runs on a scenario clock', () => {
    expect(at(drillClock(exercise({ speed: 10 }), REAL, 60), 1_000)).toBe('2026-10-14T09:10:00.000Z');
  });

  it('stands still while paused, once ended, and at "max" (it moves with each read)', () => {
    for (const over of [
      { paused: true },
      { status: 'finished' as const },
      { status: 'stopped' as const },
      { speed: 'max' as const },
    ]) {
      const c = drillClock(exercise(over), REAL);
      expect(at(c, 60_000)).toBe('2026-10-14T09:00:00.000Z');
      expect(tickEvery(c)).toBeUndefined();
    }
  });

  it('is shown again each clock second, between 10 times a second and once a second', () => {
    expect(tickEvery(drillClock(exercise({ speed: 1 }), REAL))).toBe(1_000);
    expect(tickEvery(drillClock(exercise({ speed: 5 }), REAL))).toBe(200);
    expect(tickEvery(drillClock(exercise({ speed: 60 }), REAL))).toBe(100);
    expect(tickEvery(undefined)).toBeUndefined();
  });
});
