import type { Evidence, IncidentSignal } from '@ioc/domain';
import { CorrelationEngine, type EngineStats } from './engine';
import type { EngineEvent } from './event';
import type { Rule, RuleSet } from './rule.types';
import type { Topology } from '@ioc/city';

/**
 * How an exercise maps a recording's event time onto the wall clock: the recording's `from` is the exercise's
 * `startedAt`, and event time runs `speed` times faster than the wall clock from there. Epoch ms.
 */
export interface ExerciseTimeline {
  readonly from: number;
  readonly to: number;
  readonly speed: number;
  readonly startedAt: number;
}

/** How far into the recording the replay is at wall time `now` (never past its end). */
export function replayedTo(t: ExerciseTimeline, now: number): number {
  return Math.min(t.to, t.from + Math.max(0, now - t.startedAt) * t.speed);
}

/** The wall time an event of the recording happens at in the exercise. */
export function exerciseTimeOf(t: ExerciseTimeline, eventTime: number): number {
  return Math.round(t.startedAt + (eventTime - t.from) / t.speed);
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
    private readonly timeline: ExerciseTimeline,
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
      .map((s) => ({ n: this.made++, signal: exerciseSignal(s, this.keyPrefix, this.timeline) }));
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
