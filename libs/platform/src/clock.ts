/** Time is injected: the correlation core, replay and tests run on a clock they are given. */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};
