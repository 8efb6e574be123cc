/**
 * A trainer's steering of a running exercise, pure: pause, resume, change speed, seek. The exercise's clock is an
 * anchor (at wall time `anchorAt` the drill was at `anchorTo`, the recording's own time), a speed (0: as fast as the
 * machine goes) and a pause flag; a control moves the anchor to now and changes the rest. Epoch ms.
 */
export interface ExerciseClockState {
  readonly from: number;
  readonly to: number;
  readonly speed: number;
  readonly anchorAt: number;
  readonly anchorTo: number;
  readonly paused: boolean;
  /** Backward seeks so far. */
  readonly run: number;
  /** Decisions at or before this (the recording's time) are applied without the runner fanning them out. */
  readonly quietUntil: number | null;
  /** The runner's checkpoint: how far the current run has applied the recording (null: nothing yet). */
  readonly replayedTo: number | null;
}

export type ExerciseControl =
  | { readonly op: 'pause' }
  | { readonly op: 'resume' }
  | { readonly op: 'speed'; readonly speed: number }
  | { readonly op: 'seek'; readonly to: number };

/** What a control changes; `restart` (a backward seek) also resets the checkpoint to the recording's start. */
export interface ExerciseClockChange {
  readonly speed: number;
  readonly anchorAt: number;
  readonly anchorTo: number;
  readonly paused: boolean;
  readonly run: number;
  readonly quietUntil: number | null;
  readonly restart: boolean;
}

/**
 * The drill clock at wall time `now`: where in the recording the exercise is. At speed 0 the clock is where the
 * replay has got (it goes as fast as the machine does).
 */
export function drillTimeAt(s: ExerciseClockState, now: number): number {
  if (s.paused) return Math.min(s.to, s.anchorTo);
  if (s.speed === 0) return Math.min(s.to, Math.max(s.anchorTo, s.replayedTo ?? s.from));
  return Math.min(s.to, s.anchorTo + Math.max(0, now - s.anchorAt) * s.speed);
}

/**
 * The clock after a control at wall time `now`. A seek forward (to a time the replay has not yet applied) moves the
 * anchor there: the runner fast-forwards through the engine, applying the skipped decisions quietly. A seek backward
 * (before what the replay has applied) starts a new run from the recording's start, quiet up to the target, so
 * nothing is applied twice and the decisions are the same as a straight run's. The seek target must be within
 * [from, to] (the caller's check).
 */
export function steer(s: ExerciseClockState, c: ExerciseControl, now: number): ExerciseClockChange {
  const here = drillTimeAt(s, now);
  const same = { speed: s.speed, paused: s.paused, run: s.run, quietUntil: s.quietUntil, restart: false };
  switch (c.op) {
    case 'pause':
      return { ...same, anchorAt: now, anchorTo: here, paused: true };
    case 'resume':
      return { ...same, anchorAt: now, anchorTo: here, paused: false };
    case 'speed':
      return { ...same, anchorAt: now, anchorTo: here, speed: c.speed };
    case 'seek': {
      const applied = s.replayedTo ?? s.from;
      if (c.to < applied)
        return { ...same, anchorAt: now, anchorTo: c.to, run: s.run + 1, quietUntil: c.to, restart: true };
      return { ...same, anchorAt: now, anchorTo: c.to, quietUntil: Math.max(s.quietUntil ?? s.from, c.to) };
    }
  }
}
