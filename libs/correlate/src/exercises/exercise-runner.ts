import { injectSeqOf, type DeviceMessage, type IncidentSignal } from '@ioc/domain';
import type { Topology } from '@ioc/city';
import {
  ExerciseReplay,
  InjectCompiler,
  replayedTo,
  type EngineEvent,
  type ExerciseTimeline,
  type RuleSet,
} from '@ioc/correlation';
import { realSleep, retry, type Clock, type Logger, type Sleep } from '@ioc/platform';
import type { ExerciseInjectRepository, ExerciseRecord, ExerciseRepository } from '@ioc/storage';
import type { IncidentChangeFanout, IncidentChange, IncidentService } from '@ioc/incidents';
import { reportToEngineEvent, toEngineEvent } from '../correlation.service';
import { describeFailure, isTransientSignalFailure } from '../signal-failure';
import { runPrefixOf, type ExerciseService } from './exercise.service';

export interface ExerciseRunnerOptions {
  /** Wall time between two steps of a replay. */
  readonly tickMs: number;
  /** Recorded messages read per query. */
  readonly pageSize: number;
  /** Longest wait between two tries of a decision the database did not take. */
  readonly retryMaxMs: number;
  /** The waits between steps and between tries (setTimeout when absent). */
  readonly sleep?: Sleep;
  /** Told of each decision applied (tests: the drill time it was made at, whether it was fanned out). */
  readonly onApplied?: (d: AppliedDecision) => void;
}

/** One decision an exercise applied. */
export interface AppliedDecision {
  readonly exerciseId: string;
  readonly run: number;
  readonly n: number;
  /** When the engine made it, in the recording's own time. */
  readonly drillAt: number;
  readonly signal: IncidentSignal;
  /** False for a decision a seek skipped: applied, not fanned out by the runner. */
  readonly live: boolean;
}

export const EXERCISE_RUNNER_DEFAULTS: ExerciseRunnerOptions = { tickMs: 250, pageSize: 2_000, retryMaxMs: 5_000 };

/** How a run of the job ended: the exercise's own end, or the process stopping (the job is to be taken up again). */
export type ExerciseRunOutcome =
  | { readonly outcome: 'ended'; readonly status: string; readonly signalsApplied: number }
  | { readonly outcome: 'interrupted' };

/** An exercise's inject log as the runner reads and annotates it (ExerciseInjectRepository). */
export type ExerciseInjectLog = Pick<ExerciseInjectRepository, 'list' | 'retime' | 'noteIncident'>;

/** What the runner replays against: the rules, the city, and the gateway of each gateway-connected device (injects). */
export interface ExerciseSeeds {
  readonly rules: RuleSet;
  readonly topology: Topology;
  readonly gatewayOf?: ReadonlyMap<string, string>;
}

/** Removes and returns the leading events of `list` (in time order) at or before `t`. */
function takeUpTo(list: EngineEvent[], t: number): EngineEvent[] {
  let n = 0;
  while (n < list.length && list[n].ts <= t) n++;
  return list.splice(0, n);
}

/**
 * Reads a recording page by page, at most one page a step, so a replay that has fallen far behind its clock (taken up
 * again after hours) catches up in bounded memory, a page at a time. The recording's field reports (evidence, as live)
 * are read once, at the first step, and handed out with the messages of the step they fall in.
 */
export class RecordingCursor {
  private buffer: EngineEvent[] = [];
  private last?: DeviceMessage;
  private done = false;
  private reports?: EngineEvent[];

  constructor(
    private readonly repo: ExerciseRepository,
    private readonly recordingId: string,
    private readonly pageSize: number,
  ) {}

  /**
   * The recording's next events up to `goal`, and how far they reach: `goal` when every event up to it is in hand,
   * otherwise just before the last one read (the next page may hold more of that millisecond, and an engine with no
   * allowed lateness must have them all before it passes it).
   */
  async next(goal: number): Promise<{ readonly events: EngineEvent[]; readonly reached: number }> {
    this.reports ??= (await this.repo.recordingReports(this.recordingId)).map(reportToEngineEvent);
    // Read until something can be handed out: the end, an event past the goal, or events before the last one's time.
    while (!this.done && (this.buffer.length === 0 || (this.lastTs <= goal && this.buffer[0].ts === this.lastTs)))
      await this.read();
    const reached = this.done || this.lastTs > goal ? goal : this.lastTs - 1;
    return { events: [...takeUpTo(this.buffer, reached), ...takeUpTo(this.reports, reached)], reached };
  }

  private get lastTs(): number {
    return this.buffer[this.buffer.length - 1].ts;
  }

  private async read(): Promise<void> {
    const after = this.last && { time: this.last.ts, deviceId: this.last.deviceId, msgId: this.last.msgId };
    const page = await this.repo.recordingPage(this.recordingId, after, this.pageSize);
    if (page.length) this.last = page[page.length - 1];
    if (page.length < this.pageSize) this.done = true;
    for (const m of page) this.buffer.push(toEngineEvent(m));
  }
}

/**
 * Runs one exercise (the run-exercise job, jobs role): replays its recording through an ExerciseReplay, a step every
 * `tickMs`, to where the exercise's clock has got, and applies each decision as an exercise incident change (fanned out
 * to the sockets like the engine's). After each step it checkpoints how far it got and how many decisions it applied,
 * and learns whether the exercise still runs (a stop through the API ends it at the next step). A run interrupted by
 * the process stopping leaves the exercise running; the job is taken up again and the replay, deterministic, is
 * redone from the recording's start to the checkpoint without applying anything twice.
 */
export class ExerciseRunner {
  private readonly stopping = new AbortController();

  constructor(
    private readonly repo: ExerciseRepository,
    private readonly service: ExerciseService,
    private readonly incidents: IncidentService,
    private readonly fanout: IncidentChangeFanout,
    private readonly seeds: ExerciseSeeds,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: ExerciseRunnerOptions = EXERCISE_RUNNER_DEFAULTS,
    /** The exercises' inject logs; without it, recordings are replayed alone. */
    private readonly injects?: ExerciseInjectLog,
  ) {}

  /** The process is stopping: runs end at their next step, leaving their exercises running for the next worker. */
  interrupt(): void {
    this.stopping.abort();
  }

  async run(exerciseId: string): Promise<ExerciseRunOutcome> {
    const e = await this.repo.findExercise(exerciseId);
    if (!e) {
      this.logger.warn({ exerciseId }, 'no such exercise: nothing to run');
      return { outcome: 'ended', status: 'missing', signalsApplied: 0 };
    }
    const log = this.logger.child({ exerciseId });
    if (e.status !== 'running') return this.ended(e, log);
    try {
      const interrupted = await this.replay(e, log);
      if (interrupted) return { outcome: 'interrupted' };
    } catch (err) {
      // A decision the lifecycle refuses, a recording gone: the exercise cannot go on. Its code says why.
      log.error({ err }, 'exercise failed');
      await this.repo.end(e.id, { status: 'failed', at: new Date(this.clock.nowMs()), error: describeFailure(err) });
    }
    const now = await this.repo.findExercise(e.id);
    return this.ended(now ?? e, log);
  }

  /**
   * The exercise's timeline at wall time `now`, as its row says (steered by trainers). At speed "max" it is re-anchored
   * at `now` and where the replay is, so each decision is timed when it is applied.
   */
  private timelineOf(e: ExerciseRecord, now: number, position: number): ExerciseTimeline {
    const base = { from: e.from.getTime(), to: e.to.getTime(), speed: e.speed, paused: e.paused };
    if (e.speed === 0 && !e.paused) return { ...base, startedAt: now, anchor: position };
    return { ...base, startedAt: e.anchorAt.getTime(), anchor: e.anchorTo.getTime() };
  }

  /**
   * True when interrupted by the process stopping (the exercise still runs). Each step reads the trainers' steering
   * back with the checkpoint: a pause, a speed or a forward seek changes the clock the next step follows; a backward
   * seek (a new run) starts the replay again from the recording's start.
   */
  private async replay(first: ExerciseRecord, log: Logger): Promise<boolean> {
    if (!first.recordingId) throw new Error('its recording was deleted');
    // Absence is judged only for the devices the recording holds: one it never heard from is not silent in the drill.
    const devices = new Set(await this.repo.recordingDevices(first.recordingId));
    let e = first;
    for (;;) {
      const run = e.run;
      // A run's incidents never mix with an earlier run's: those still active are resolved before it applies anything.
      await this.service.resolveEarlierRuns(e);
      const replay = new ExerciseReplay(
        this.seeds.rules,
        this.seeds.topology,
        this.timelineOf(e, this.clock.nowMs(), e.from.getTime()),
        runPrefixOf(e),
        devices,
      );
      const recording = new RecordingCursor(this.repo, first.recordingId, this.opts.pageSize);
      // The trainers' injects, merged with the recording: the whole log again in a new or taken-up run.
      const compiler = new InjectCompiler(
        { topology: this.seeds.topology, gatewayOf: this.seeds.gatewayOf ?? new Map(), to: e.to.getTime() },
        e.from.getTime(),
      );
      let injected = 0;
      let applied = e.signalsApplied;
      if (applied > 0)
        log.info(
          { run, signalsApplied: applied, replayedTo: e.replayedTo },
          'exercise taken up again: replaying to its checkpoint',
        );
      for (;;) {
        if (this.stopping.signal.aborted) return true;
        // The trainers' latest steering, read just before the step, so a pause or a slower speed is not overrun by
        // a step at the old pace (at ×3600 a 250 ms step is 15 minutes of drill).
        const steered = await this.repo.findExercise(e.id);
        if (!steered || steered.status !== 'running') {
          log.info({ status: steered?.status, signalsApplied: applied }, 'exercise no longer running: replay ends');
          return false;
        }
        e = steered;
        if (e.run !== run) {
          log.info({ run: e.run, to: e.anchorTo }, 'exercise sought backward: a new run from the recording start');
          break;
        }
        const now = this.clock.nowMs();
        const timeline = this.timelineOf(e, now, replay.position);
        replay.retime(timeline);
        const goal = replayedTo(timeline, now);
        const { events, reached } = await recording.next(goal);
        injected = await this.takeInjects(e.id, compiler, injected, log);
        replay.push(compiler.step(events, reached));
        // What the engine decides while the replay passes through a seek's skipped part (up to its target) is
        // quiet; what it decides after, live. Split at the target, so it holds whatever time a decision carries.
        const quietUntil = e.quietUntil?.getTime() ?? -Infinity;
        const decided = [
          ...(quietUntil > replay.position ? replay.advanceTo(Math.min(reached, quietUntil)) : []).map((d) => ({
            ...d,
            live: false,
          })),
          ...replay.advanceTo(reached).map((d) => ({ ...d, live: true })),
        ];
        for (const { n, signal, drillAt, live } of decided) {
          if (n < applied) continue;
          const change = await this.apply(signal, log);
          if (!change) return true;
          // What a seek skips is applied (the incidents are as they would be at that point) and pushed to the sockets
          // flagged quiet (no alert on a console), without escalation timers.
          if (live) await this.fanout.changed(change);
          else await this.fanout.quietly(change);
          await this.noteInjected(e.id, signal);
          applied = n + 1;
          this.opts.onApplied?.({ exerciseId: e.id, run, n, drillAt, signal, live });
        }
        const now2 = await this.repo.checkpoint(e.id, run, new Date(replay.position), applied);
        if (!now2 || now2.status !== 'running') {
          log.info({ status: now2?.status, signalsApplied: applied }, 'exercise no longer running: replay ends');
          return false;
        }
        e = now2;
        if (e.run !== run) {
          log.info({ run: e.run, to: e.anchorTo }, 'exercise sought backward: a new run from the recording start');
          break;
        }
        if (replay.finished) {
          await this.repo.end(e.id, { status: 'finished', at: new Date(this.clock.nowMs()) });
          log.info({ signalsApplied: applied, stats: replay.stats() }, 'exercise finished: the recording is over');
          return false;
        }
        // Behind its clock (more of the recording to read for this step, a seek forward, speed "max"): go on at once.
        if (reached < goal) continue;
        await (this.opts.sleep ?? realSleep)(this.opts.tickMs, this.stopping.signal);
      }
    }
  }

  /**
   * Adds the exercise's injects logged since the last step (`seen`: the highest seq taken) to the compiler; returns
   * the highest seq now taken. One logged for a time the replay has already passed (made while this step ran) takes
   * effect just after it, and the log is corrected to say so: a replay of the log then decides the same.
   */
  private async takeInjects(exerciseId: string, compiler: InjectCompiler, seen: number, log: Logger): Promise<number> {
    if (!this.injects) return seen;
    const fresh = await this.injects.list(exerciseId, seen);
    for (const i of fresh) {
      let at = i.at.getTime();
      if (at <= compiler.position) {
        at = compiler.position + 1;
        await this.injects.retime(exerciseId, i.seq, new Date(at));
        log.warn(
          { seq: i.seq, kind: i.inject.kind, asked: i.at, at: new Date(at) },
          'inject retimed: the replay had passed its time',
        );
      }
      compiler.add([{ seq: i.seq, at, inject: i.inject }]);
    }
    return fresh.length ? fresh[fresh.length - 1].seq : seen;
  }

  /** Notes, on each inject that made evidence of the decision's incident, the incident's key (a false alarm's). */
  private async noteInjected(exerciseId: string, signal: IncidentSignal): Promise<void> {
    if (!this.injects || signal.op === 'clear') return;
    const seqs = new Set(signal.evidence.map((x) => injectSeqOf(x.msgId)).filter((x) => x !== undefined));
    for (const seq of seqs) await this.injects.noteIncident(exerciseId, seq, signal.key);
  }

  /** Applies one decision, trying again while the database is away; undefined when the process stops meanwhile. */
  private async apply(signal: IncidentSignal, log: Logger): Promise<IncidentChange | undefined> {
    try {
      return await retry(() => this.incidents.applySignal(signal, { exercise: true }), {
        isTransient: isTransientSignalFailure,
        backoff: { initialMs: 100, maxMs: this.opts.retryMaxMs },
        sleep: this.opts.sleep,
        signal: this.stopping.signal,
        onRetry: (err, attempt, delayMs) =>
          log.warn(
            { err, key: signal.key, op: signal.op, attempt, retryInMs: delayMs },
            'applying an exercise decision failed; retrying',
          ),
      });
    } catch (err) {
      // Stopped while the database was away: the next worker takes the exercise up from its checkpoint.
      if (this.stopping.signal.aborted && isTransientSignalFailure(err)) return undefined;
      throw err;
    }
  }

  private async ended(e: ExerciseRecord, log: Logger): Promise<ExerciseRunOutcome> {
    const resolved = await this.service.windUp(e);
    log.info({ status: e.status, signalsApplied: e.signalsApplied, resolved }, 'exercise wound up');
    return { outcome: 'ended', status: e.status, signalsApplied: e.signalsApplied };
  }
}
