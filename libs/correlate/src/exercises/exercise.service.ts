import { randomUUID } from 'node:crypto';
import {
  EXERCISE_KEY_PREFIX,
  JOBS,
  MAX_RECORDING_MESSAGES,
  exerciseJobId,
  exerciseRunPrefix,
  exerciseSpeedIn,
  exerciseSpeedOut,
  type ExerciseDto,
  type ExerciseSpeed,
  type ExerciseRequest,
  type QUEUES,
  type RecordingDto,
  type RecordingRequest,
} from '@ioc/contracts';
import { drillTimeAt, exerciseTimeOf, steer, type ExerciseClockState, type ExerciseControl } from '@ioc/correlation';
import type { Clock, Logger } from '@ioc/platform';
import type { JobRunner } from '@ioc/queue';
import type {
  ExerciseRecord,
  ExerciseRepository,
  IncidentRepository,
  RecordingRecord,
  UserRepository,
} from '@ioc/storage';
import type { IncidentChangeFanout, IncidentService } from '@ioc/incidents';
import { ExerciseError } from './exercise.errors';

/** Past exercises and recordings listed. */
const LIST_LIMIT = 50;
/** Why the incidents an exercise leaves active are resolved when it ends. */
export const EXERCISE_ENDED_REASON = 'the exercise ended';
/** Why an earlier run's incidents still active are resolved when a backward seek starts a new run. */
export const EXERCISE_REWOUND_REASON = 'the exercise was rewound';

/** The exercise's clock as the pure steering sees it (epoch ms). */
export const clockStateOf = (e: ExerciseRecord): ExerciseClockState => ({
  from: e.from.getTime(),
  to: e.to.getTime(),
  speed: e.speed,
  anchorAt: e.anchorAt.getTime(),
  anchorTo: e.anchorTo.getTime(),
  paused: e.paused,
  run: e.run,
  quietUntil: e.quietUntil?.getTime() ?? null,
  replayedTo: e.replayedTo?.getTime() ?? null,
});

/** The key prefix of the exercise's current run. */
export const runPrefixOf = (e: Pick<ExerciseRecord, 'keyPrefix' | 'run'>): string =>
  exerciseRunPrefix(e.keyPrefix, e.run);

export type ExerciseJobs = Pick<JobRunner<typeof QUEUES.exercises>, 'add'>;

type Names = ReadonlyMap<string, string>;

/**
 * The run-exercise job of an exercise: one per exercise (its id collapses a second add), tried again with backoff
 * (about 10 min in all) when a run throws, as it does while the database or Redis is away.
 */
export const exerciseJobOptions = (exerciseId: string) => ({
  jobId: exerciseJobId(exerciseId),
  attempts: 10,
  backoffMs: 1_000,
});

export const toRecordingDto = (r: RecordingRecord, names: Names): RecordingDto => ({
  id: r.id,
  name: r.name,
  from: r.from.toISOString(),
  to: r.to.toISOString(),
  messages: r.messages,
  reports: r.reports,
  createdBy: r.createdBy,
  createdByName: names.get(r.createdBy) ?? null,
  createdAt: r.createdAt.toISOString(),
});

export const toExerciseDto = (e: ExerciseRecord, names: Names, now: number): ExerciseDto => {
  const running = e.status === 'running';
  const drillTime = running ? drillTimeAt(clockStateOf(e), now) : (e.replayedTo?.getTime() ?? e.from.getTime());
  const endsAt =
    e.paused || e.speed === 0
      ? null
      : exerciseTimeOf(
          {
            from: e.from.getTime(),
            to: e.to.getTime(),
            speed: e.speed,
            startedAt: e.anchorAt.getTime(),
            anchor: e.anchorTo.getTime(),
          },
          e.to.getTime(),
        );
  return {
    id: e.id,
    recordingId: e.recordingId,
    recordingName: e.recordingName,
    from: e.from.toISOString(),
    to: e.to.toISOString(),
    speed: exerciseSpeedOut(e.speed),
    status: e.status,
    paused: running && e.paused,
    drillTime: new Date(drillTime).toISOString(),
    run: e.run,
    runPrefix: runPrefixOf(e),
    keyPrefix: e.keyPrefix,
    startedBy: e.startedBy,
    startedByName: names.get(e.startedBy) ?? null,
    startedAt: e.startedAt.toISOString(),
    endsAt: endsAt === null ? null : new Date(endsAt).toISOString(),
    replayedTo: e.replayedTo?.toISOString() ?? null,
    signalsApplied: e.signalsApplied,
    endedAt: e.endedAt?.toISOString() ?? null,
    endedBy: e.endedBy,
    endedByName: e.endedBy ? (names.get(e.endedBy) ?? null) : null,
    error: e.error,
  };
};

/**
 * Trainers' exercises. A recording copies the device messages and field reports of a window of event time (a notable day: the
 * October king tide); an exercise replays one recording through the correlation engine (ExerciseRunner, in the jobs
 * role) as exercise incidents under a key prefix of its own, which operators in training work like live ones. Up to
 * `maxRunning` exercises run at once; a trainer pauses, resumes, changes the speed of and seeks a running one.
 * Stopping it, or its reaching the recording's end, resolves the incidents it leaves active.
 */
export class ExerciseService {
  constructor(
    private readonly repo: ExerciseRepository,
    private readonly users: UserRepository,
    private readonly incidents: IncidentService,
    private readonly incidentRepo: IncidentRepository,
    private readonly fanout: IncidentChangeFanout,
    private readonly jobs: ExerciseJobs,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: { readonly maxRunning: number } = { maxRunning: 3 },
  ) {}

  async record(input: RecordingRequest, by: string): Promise<RecordingDto> {
    const result = await this.repo.record(
      { id: randomUUID(), name: input.name, from: input.from, to: input.to, createdBy: by },
      MAX_RECORDING_MESSAGES,
    );
    const window = { from: input.from.toISOString(), to: input.to.toISOString() };
    if (result === 'empty')
      throw new ExerciseError(
        'RECORDING_INVALID',
        `nothing was stored between ${window.from} and ${window.to}`,
        window,
      );
    if ('tooMany' in result) {
      throw new ExerciseError(
        'RECORDING_INVALID',
        `more than ${MAX_RECORDING_MESSAGES} messages and field reports were stored between ${window.from} and ${window.to}: record a shorter window`,
        window,
      );
    }
    this.logger.info(
      { recordingId: result.id, messages: result.messages, reports: result.reports, ...window, by },
      'recording made',
    );
    return toRecordingDto(result, await this.namesOf([result.createdBy]));
  }

  async recordings(): Promise<RecordingDto[]> {
    const list = await this.repo.listRecordings(LIST_LIMIT);
    const names = await this.namesOf(list.map((r) => r.createdBy));
    return list.map((r) => toRecordingDto(r, names));
  }

  async deleteRecording(id: string, by: string): Promise<void> {
    const outcome = await this.repo.deleteRecording(id);
    if (outcome === 'not-found')
      throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${id}`, { recordingId: id });
    if (outcome === 'in-use')
      throw new ExerciseError('RECORDING_IN_USE', 'an exercise of this recording is running: stop it first', {
        recordingId: id,
      });
    this.logger.info({ recordingId: id, by }, 'recording deleted');
  }

  /**
   * Starts replaying a recording; EXERCISE_ACTIVE while `maxRunning` exercises run. `beforeQueue` runs once the
   * exercise is stored, before its replay is queued (a script's injects are logged then); if it throws, the exercise
   * fails and holds no place.
   */
  async start(
    input: Omit<ExerciseRequest, 'recordingId' | 'scriptId'> & { readonly recordingId: string },
    by: string,
    beforeQueue?: (exerciseId: string) => Promise<void>,
  ): Promise<ExerciseDto> {
    const recording = await this.repo.findRecording(input.recordingId);
    if (!recording)
      throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${input.recordingId}`, {
        recordingId: input.recordingId,
      });
    const id = randomUUID();
    const started = await this.repo
      .start(
        {
          id,
          speed: exerciseSpeedIn(input.speed),
          keyPrefix: `${EXERCISE_KEY_PREFIX}${id.slice(0, 8)}/`,
          startedBy: by,
          startedAt: new Date(this.clock.nowMs()),
        },
        recording,
        this.opts.maxRunning,
      )
      .catch((err: unknown) => {
        // Deleted between the read and the insert (foreign key violation).
        if ((err as { code?: string })?.code === '23503')
          throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${input.recordingId}`, {
            recordingId: input.recordingId,
          });
        throw err;
      });
    if (started === 'active')
      throw new ExerciseError(
        'EXERCISE_ACTIVE',
        this.opts.maxRunning === 1
          ? 'an exercise is already running: stop it first'
          : `${this.opts.maxRunning} exercises are already running (the limit): stop one first`,
        { maxRunning: this.opts.maxRunning },
      );
    if (beforeQueue)
      await beforeQueue(id).catch(async (err: unknown) => {
        await this.repo.end(id, {
          status: 'failed',
          at: new Date(this.clock.nowMs()),
          error: 'it could not be prepared',
        });
        throw err;
      });
    // The row is the exercise, the job runs it: an exercise whose job cannot be queued must not hold a place.
    try {
      await this.jobs.add(JOBS.runExercise, { exerciseId: id }, exerciseJobOptions(id));
    } catch (err) {
      await this.repo.end(id, {
        status: 'failed',
        at: new Date(this.clock.nowMs()),
        error: 'its replay could not be queued',
      });
      throw new ExerciseError(
        'QUEUE_UNAVAILABLE',
        `the exercise could not be queued: ${(err as Error)?.message ?? String(err)}`,
        { exerciseId: id },
        { cause: err },
      );
    }
    this.logger.info({ exerciseId: id, recordingId: recording.id, speed: input.speed, by }, 'exercise started');
    return toExerciseDto(started, await this.namesOf([by]), this.clock.nowMs());
  }

  async list(): Promise<ExerciseDto[]> {
    const list = await this.repo.listExercises(LIST_LIMIT);
    const names = await this.namesOf(list.flatMap((e) => (e.endedBy ? [e.startedBy, e.endedBy] : [e.startedBy])));
    return list.map((e) => toExerciseDto(e, names, this.clock.nowMs()));
  }

  async get(id: string): Promise<ExerciseDto> {
    const e = await this.repo.findExercise(id);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${id}`, { exerciseId: id });
    return toExerciseDto(
      e,
      await this.namesOf(e.endedBy ? [e.startedBy, e.endedBy] : [e.startedBy]),
      this.clock.nowMs(),
    );
  }

  /** Stops a running exercise now and resolves its active incidents (its runner stops at its next step). */
  async stop(id: string, by: string): Promise<ExerciseDto> {
    const ended = await this.repo.end(id, { status: 'stopped', at: new Date(this.clock.nowMs()), by });
    if (!ended) {
      const e = await this.repo.findExercise(id);
      if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${id}`, { exerciseId: id });
      throw new ExerciseError('EXERCISE_NOT_RUNNING', `the exercise is already ${e.status}`, {
        exerciseId: id,
        status: e.status,
      });
    }
    this.logger.info({ exerciseId: id, by }, 'exercise stopped');
    await this.windUp(ended);
    return toExerciseDto(ended, await this.namesOf([ended.startedBy, by]), this.clock.nowMs());
  }

  /** Pauses a running exercise: its drill clock stands still until it is resumed (a no-op when already paused). */
  pause(id: string, by: string): Promise<ExerciseDto> {
    return this.steer(id, { op: 'pause' }, by);
  }

  /** Resumes a paused exercise where its clock stood (a no-op when it is not paused). */
  resume(id: string, by: string): Promise<ExerciseDto> {
    return this.steer(id, { op: 'resume' }, by);
  }

  /** Changes the speed of a running exercise from now on (paused, it stays paused). */
  speed(id: string, speed: ExerciseSpeed, by: string): Promise<ExerciseDto> {
    return this.steer(id, { op: 'speed', speed: exerciseSpeedIn(speed) }, by);
  }

  /**
   * Moves a running exercise's drill clock to `to`, a time of its recording's window [from, to]. Forward: the runner
   * fast-forwards, applying what it skips without pushing it as live. Backward: a new run starts from the recording's
   * start under its own key prefix; the earlier run's incidents still active are resolved (`the exercise was rewound`).
   */
  async seek(id: string, to: Date, by: string): Promise<ExerciseDto> {
    return this.steer(id, { op: 'seek', to: to.getTime() }, by, (e) => {
      if (to < e.from || to > e.to)
        throw new ExerciseError(
          'EXERCISE_SEEK_INVALID',
          `seek to a time of the recording's window, ${e.from.toISOString()} to ${e.to.toISOString()} (not ${to.toISOString()})`,
          { exerciseId: id, from: e.from.toISOString(), to: e.to.toISOString(), seek: to.toISOString() },
        );
    });
  }

  private async steer(
    id: string,
    control: ExerciseControl,
    by: string,
    check?: (e: ExerciseRecord) => void,
  ): Promise<ExerciseDto> {
    const outcome = await this.repo.steer(id, (e) => {
      check?.(e);
      const c = steer(clockStateOf(e), control, this.clock.nowMs());
      return {
        ...c,
        anchorAt: new Date(c.anchorAt),
        anchorTo: new Date(c.anchorTo),
        quietUntil: c.quietUntil === null ? null : new Date(c.quietUntil),
      };
    });
    if (outcome === 'not-found') throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${id}`, { exerciseId: id });
    if ('notRunning' in outcome)
      throw new ExerciseError('EXERCISE_NOT_RUNNING', `the exercise is already ${outcome.notRunning.status}`, {
        exerciseId: id,
        status: outcome.notRunning.status,
      });
    const e = outcome.steered;
    this.logger.info(
      { exerciseId: id, by, ...control, run: e.run, paused: e.paused, speed: e.speed, drillAt: e.anchorTo },
      'exercise steered',
    );
    return toExerciseDto(e, await this.namesOf([e.startedBy]), this.clock.nowMs());
  }

  /**
   * Resolves the incidents of the exercise's earlier runs still active (a backward seek started a new run). Safe to
   * repeat: the runner does it whenever it starts (or takes up) a run, before applying any decision of it.
   */
  async resolveEarlierRuns(e: Pick<ExerciseRecord, 'id' | 'keyPrefix' | 'run'>): Promise<number> {
    if (e.run === 0) return 0;
    const current = runPrefixOf(e);
    const keys = (await this.incidentRepo.activeKeysWithPrefix(e.keyPrefix, true)).filter(
      (k) => !k.startsWith(current),
    );
    for (const key of keys) {
      const change = await this.incidents.applySignal(
        { op: 'clear', key, at: this.clock.nowMs(), reason: EXERCISE_REWOUND_REASON },
        { exercise: true },
      );
      await this.fanout.changed(change);
    }
    if (keys.length)
      this.logger.info({ exerciseId: e.id, run: e.run, resolved: keys.length }, 'earlier run incidents resolved');
    return keys.length;
  }

  /**
   * Resolves (as the engine would, `system`) the exercise's incidents still active: the drill is over. Safe to repeat:
   * the runner does it again after its last step, in case a decision of its own landed after a stop's wind-up.
   */
  async windUp(e: Pick<ExerciseRecord, 'id' | 'keyPrefix'>): Promise<number> {
    const keys = await this.incidentRepo.activeKeysWithPrefix(e.keyPrefix, true);
    for (const key of keys) {
      const change = await this.incidents.applySignal(
        { op: 'clear', key, at: this.clock.nowMs(), reason: EXERCISE_ENDED_REASON },
        { exercise: true },
      );
      await this.fanout.changed(change);
    }
    await this.repo.markWoundUp(e.id);
    if (keys.length)
      this.logger.info({ exerciseId: e.id, resolved: keys.length }, 'exercise incidents resolved at its end');
    return keys.length;
  }

  private async namesOf(ids: readonly string[]): Promise<Names> {
    const users = await this.users.findByIds(ids);
    return new Map([...users].map(([id, u]) => [id, u.displayName]));
  }
}
