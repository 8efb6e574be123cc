import type { Evidence, IncidentSignal } from '@ioc/domain';
import { CorrelationEngine, type EngineStats } from './engine';
import type { EngineEvent } from './event';
import type { Rule, RuleSet } from './rule.types';
import type { Topology } from '@ioc/city';

/**
 * How an exercise maps a recording's event time onto the wall clock: at wall time `startedAt` the drill is at event
 * time `anchor` (the recording's `from` unless a trainer has steered it since), and event time runs `speed` times
 * faster than the wall clock from there; it stands still while `paused`. `speed` 0 is as fast as the machine goes:
 * the replay reaches for the recording's end at once (the runner re-anchors each step, so decisions are timed when
 * they are applied). Epoch ms.
 */
export interface ExerciseTimeline {
  readonly from: number;
  readonly to: number;
  readonly speed: number;
  readonly startedAt: number;
  /** Event time at `startedAt`; `from` when absent. */
  readonly anchor?: number;
  readonly paused?: boolean;
}

/** How far into the recording the replay is to be at wall time `now` (never past its end). */
export function replayedTo(t: ExerciseTimeline, now: number): number {
  const anchor = t.anchor ?? t.from;
  if (t.paused) return Math.min(t.to, anchor);
  if (t.speed === 0) return t.to;
  return Math.min(t.to, anchor + Math.max(0, now - t.startedAt) * t.speed);
}

/**
 * The wall time an event of the recording happens at in the exercise. An event before the anchor (a part a seek
 * skipped) happens at the anchor's wall time: the moment of the seek.
 */
export function exerciseTimeOf(t: ExerciseTimeline, eventTime: number): number {
  if (t.speed === 0) return t.startedAt;
  return Math.round(t.startedAt + Math.max(0, eventTime - (t.anchor ?? t.from)) / t.speed);
}

/**
 * A live signal as the exercise applies it: its key (and the keys it absorbs) under the exercise's prefix, so each
 * drill has incidents of its own, and its times (and its evidence's) on the exercise's clock, so an incident opens
 * when the trainees see it and its SOP deadlines count from then.
 */
export function exerciseSignal(s: IncidentSignal, keyPrefix: string, t: ExerciseTimeline): IncidentSignal {
  const at = exerciseTimeOf(t, s.at);
  const key = keyPrefix + s.key;
  const evidence = (e: readonly Evidence[]) => e.map((x) => ({ ...x, at: exerciseTimeOf(t, x.at) }));
  const absorbs = (a: readonly string[] | undefined) => (a ? { absorbs: a.map((k) => keyPrefix + k) } : {});
  switch (s.op) {
    case 'raise':
      return { ...s, key, at, evidence: evidence(s.evidence), ...absorbs(s.absorbs) };
    case 'update':
      return { ...s, key, at, evidence: evidence(s.evidence), ...absorbs(s.absorbs) };
    case 'clear':
      return { ...s, key, at };
  }
}

/** One decision of a replay, numbered from 0 in the order the engine made them. */
export interface NumberedSignal {
  readonly n: number;
  readonly signal: IncidentSignal;
  /** When the engine made it, in the recording's own time (the drill clock): the same however the drill is steered. */
  readonly drillAt: number;
}

/**
 * A recording replayed through a fresh correlation engine for an exercise: the same engine and rules as the live
 * role, started at the recording's `from`, with no allowed lateness (every event is at hand before the replay
 * passes its time). Deterministic: the same recording gives the same numbered signals however the replay is sliced
 * into steps, so a replay that starts again (a worker died) reaches the same decisions and skips those applied.
 * Pure: the caller pushes the recording's events in order and says how far to go.
 */
export class ExerciseReplay {
  private readonly engine: CorrelationEngine;
  private made = 0;
  private reached: number;

  /**
   * `recordedDevices`: the devices the recording holds messages of, the only ones whose absence the drill judges. A
   * recording can only say whether the devices it holds spoke: one it never heard from is not silent in the drill,
   * so a recording of one ward's bin fire does not also raise every other ward's outage. Everything else of the city
   * (zones, a report's nearest camera, neighbours) is the whole topology's, as live.
   */
  constructor(
    rules: RuleSet | readonly Rule[],
    topology: Topology,
    private timeline: ExerciseTimeline,
    private readonly keyPrefix: string,
    recordedDevices: ReadonlySet<string>,
  ) {
    this.engine = new CorrelationEngine({
      rules,
      topology,
      allowedLatenessMs: 0,
      startAt: timeline.from,
      watchedDevices: recordedDevices,
    });
    this.reached = timeline.from;
  }

  /**
   * The drill was steered (paused, resumed, sped up or down, sought forward): later decisions are timed on this
   * timeline. The recording's window stays the one given at construction.
   */
  retime(timeline: ExerciseTimeline): void {
    this.timeline = { ...timeline, from: this.timeline.from, to: this.timeline.to };
  }

  /** Events of the recording, none later than the next `advanceTo` target is pushed before it. */
  push(events: readonly EngineEvent[]): void {
    this.engine.push(events);
  }

  /** Replays up to event time `t` (at most the recording's end); returns the exercise's signals, numbered. */
  advanceTo(t: number): NumberedSignal[] {
    const target = Math.min(this.timeline.to, t);
    if (target < this.reached) return [];
    this.reached = target;
    return this.engine
      .advanceTo(target)
      .map((s) => ({ n: this.made++, signal: exerciseSignal(s, this.keyPrefix, this.timeline), drillAt: s.at }));
  }

  /** How far the replay has got, in the recording's time. */
  get position(): number {
    return this.reached;
  }

  get finished(): boolean {
    return this.reached >= this.timeline.to;
  }

  stats(): EngineStats {
    return this.engine.stats();
  }
}
