/** Time is injected: the correlation core, replay and tests run on a clock they are given. */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

/**
 * The clock the CLOCK provider gives: the IOC's time, which is the system's or a scenario's (IOC_CLOCK_START,
 * IOC_CLOCK_SPEED, IOC_CLOCK_ANCHOR), and the conversions a component needs when it waits on a real timer (setTimeout,
 * a BullMQ delayed job) for a moment of that time.
 */
export interface TimerClock extends Clock {
  /** Clock milliseconds per real millisecond: 1 for the system clock. */
  readonly speed: number;
  /** The real delay, ms, after which this clock has advanced by `clockMs` (never negative). */
  realDelayMs(clockMs: number): number;
  /** The real (epoch) time, ms, at which this clock reads `clockMs`: BullMQ's absolute times are real. */
  realTimeAt(clockMs: number): number;
  /** What this clock read at the real (epoch) time `realMs`: a BullMQ job's real due time on this clock. */
  clockAt(realMs: number): number;
}

export const CLOCK = Symbol('CLOCK');

/**
 * The real time, whatever the IOC's clock: for what must not follow a scenario (sign-in tokens and their expiry,
 * password changes, device credentials and provisioning keys).
 */
export const WALL_CLOCK = Symbol('WALL_CLOCK');

export const systemClock: TimerClock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  speed: 1,
  realDelayMs: (clockMs) => Math.max(0, clockMs),
  realTimeAt: (clockMs) => clockMs,
  clockAt: (realMs) => realMs,
};

/** A scenario clock: reads `startMs` at the real time `anchorMs` and runs `speed` times as fast as real time. */
export interface ScaledClockSetting {
  readonly startMs: number;
  readonly speed: number;
  readonly anchorMs: number;
}

/** start + (real elapsed since the anchor × speed); `realNow` is the real clock it scales (injected for tests). */
export function scaledClock(setting: ScaledClockSetting, realNow: () => number = Date.now): TimerClock {
  const { startMs, speed, anchorMs } = setting;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be positive, not ${speed}`);
  const clockAt = (realMs: number) => startMs + (realMs - anchorMs) * speed;
  const nowMs = () => clockAt(realNow());
  return {
    now: () => new Date(nowMs()),
    nowMs,
    speed,
    realDelayMs: (clockMs) => Math.max(0, clockMs / speed),
    realTimeAt: (clockMs) => anchorMs + (clockMs - startMs) / speed,
    clockAt,
  };
}
