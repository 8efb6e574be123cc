import { randomUUID } from 'node:crypto';
import {
  EXERCISE_KEY_PREFIX,
  JOBS,
  MAX_RECORDING_MESSAGES,
  exerciseJobId,
  type ExerciseDto,
  type ExerciseRequest,
  type QUEUES,
  type RecordingDto,
  type RecordingRequest,
} from '@ioc/contracts';
import { exerciseTimeOf } from '@ioc/correlation';
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

export const toExerciseDto = (e: ExerciseRecord, names: Names): ExerciseDto => ({
  id: e.id,
  recordingId: e.recordingId,
  recordingName: e.recordingName,
  from: e.from.toISOString(),
  to: e.to.toISOString(),
  speed: e.speed,
  status: e.status,
  keyPrefix: e.keyPrefix,
  startedBy: e.startedBy,
  startedByName: names.get(e.startedBy) ?? null,
  startedAt: e.startedAt.toISOString(),
  endsAt: new Date(
    exerciseTimeOf(
      { from: e.from.getTime(), to: e.to.getTime(), speed: e.speed, startedAt: e.startedAt.getTime() },
      e.to.getTime(),
    ),
  ).toISOString(),
  replayedTo: e.replayedTo?.toISOString() ?? null,
  signalsApplied: e.signalsApplied,
  endedAt: e.endedAt?.toISOString() ?? null,
  endedBy: e.endedBy,
  endedByName: e.endedBy ? (names.get(e.endedBy) ?? null) : null,
  error: e.error,
});

/**
 * Trainers' exercises. A recording copies the device messages and field reports of a window of event time (a notable day: the
 * October king tide); an exercise replays one recording through the correlation engine (ExerciseRunner, in the jobs
 * role) as exercise incidents under a key prefix of its own, which operators in training work like live ones. One
 * exercise runs at a time; stopping it, or its reaching the recording's end, resolves the incidents it leaves active.
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

  /** Starts replaying a recording; EXERCISE_ACTIVE while another exercise runs. */
  async start(input: ExerciseRequest, by: string): Promise<ExerciseDto> {
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
          speed: input.speed,
          keyPrefix: `${EXERCISE_KEY_PREFIX}${id.slice(0, 8)}/`,
          startedBy: by,
          startedAt: new Date(this.clock.nowMs()),
        },
        recording,
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
      throw new ExerciseError('EXERCISE_ACTIVE', 'an exercise is already running: stop it first', {});
    // The row is the exercise, the job runs it: an exercise whose job cannot be queued must not hold the one slot.
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
    return toExerciseDto(started, await this.namesOf([by]));
  }

  async list(): Promise<ExerciseDto[]> {
    const list = await this.repo.listExercises(LIST_LIMIT);
    const names = await this.namesOf(list.flatMap((e) => (e.endedBy ? [e.startedBy, e.endedBy] : [e.startedBy])));
    return list.map((e) => toExerciseDto(e, names));
  }

  async get(id: string): Promise<ExerciseDto> {
    const e = await this.repo.findExercise(id);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${id}`, { exerciseId: id });
    return toExerciseDto(e, await this.namesOf(e.endedBy ? [e.startedBy, e.endedBy] : [e.startedBy]));
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
    return toExerciseDto(ended, await this.namesOf([ended.startedBy, by]));
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
