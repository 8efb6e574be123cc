import type { ExerciseDto, IocClockReading } from '@ioc/contracts';

/**
 * Clocks the console shows between two reads of the server: the IOC's own (scenario time when it runs on one) and each
 * exercise's drill clock. The server says what a clock read and how fast it runs; the console runs it on from the
 * moment the answer came, by the browser's own elapsed time (never by its wall time, which may be wrong). Pure.
 */
export interface RunningClock {
  /** What the clock read (epoch ms) when the answer came. */
  readonly at: number;
  /** When the answer came, on the browser's clock (epoch ms). */
  readonly realAt: number;
  /** Clock ms per real ms: 0 for a clock that stands still (a paused drill). */
  readonly rate: number;
  /** It never reads past this (a drill's clock stops at its recording's end). */
  readonly until?: number;
}

/** What the clock reads at the browser's `realNow`: never before `at` (a browser clock stepped back holds it). */
export function readClock(c: RunningClock, realNow: number): number {
  const t = c.at + Math.max(0, realNow - c.realAt) * c.rate;
  return c.until === undefined ? t : Math.min(c.until, t);
}

/** The IOC's clock from the KPI report's reading, as it came at `realAt`. */
export function iocClock(reading: IocClockReading, realAt: number): RunningClock {
  return { at: Date.parse(reading.now), realAt, rate: reading.speed > 0 ? reading.speed : 1 };
}

/**
 * An exercise's drill clock from its record, read at `realAt`. It runs at the exercise's speed on the IOC's clock
 * (which itself runs `iocSpeed` times real time), up to the recording's end; it stands still while paused, once ended,
 * and at "max" (as fast as the machine goes: no rate to run it on, so it moves with each read).
 */
export function drillClock(
  e: Pick<ExerciseDto, 'status' | 'paused' | 'speed' | 'drillTime' | 'to'>,
  realAt: number,
  iocSpeed = 1,
): RunningClock {
  const runs = e.status === 'running' && !e.paused && e.speed !== 'max';
  return {
    at: Date.parse(e.drillTime),
    realAt,
    rate: runs ? (e.speed as number) * iocSpeed : 0,
    until: Date.parse(e.to),
  };
}

/** How often to show a running clock again (ms): each of its seconds at most, 10 times a second at most; never when it stands. */
export function tickEvery(c: Pick<RunningClock, 'rate'> | undefined): number | undefined {
  if (!c || !(c.rate > 0)) return undefined;
  return Math.min(1_000, Math.max(100, Math.round(1_000 / c.rate)));
}
