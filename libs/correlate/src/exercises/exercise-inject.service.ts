import { randomUUID } from 'node:crypto';
import {
  injectOf,
  type ExerciseDto,
  type ExerciseInjectDto,
  type ExerciseInjectRequest,
  type ExerciseRequest,
  type ExerciseScriptDto,
  type ExerciseScriptRequest,
} from '@ioc/contracts';
import { drillTimeAt, injectProblem, silencedDevices } from '@ioc/correlation';
import type { ExerciseInject } from '@ioc/domain';
import type { Topology } from '@ioc/city';
import type { Clock, Logger } from '@ioc/platform';
import type {
  ExerciseInjectRecord,
  ExerciseInjectRepository,
  ExerciseRepository,
  ExerciseScriptRecord,
  InjectableExercise,
  UserRepository,
} from '@ioc/storage';
import { ExerciseError } from './exercise.errors';
import { clockStateOf, type ExerciseService } from './exercise.service';

/** Scripts listed. */
const LIST_LIMIT = 100;

type Names = ReadonlyMap<string, string>;

export const toInjectDto = (i: ExerciseInjectRecord, names: Names): ExerciseInjectDto => {
  const { kind, ...params } = i.inject;
  return {
    seq: i.seq,
    at: i.at.toISOString(),
    kind,
    params,
    incidentKeys: i.incidentKeys,
    createdBy: i.createdBy,
    createdByName: names.get(i.createdBy) ?? null,
    createdAt: i.createdAt.toISOString(),
  };
};

export const toScriptDto = (s: ExerciseScriptRecord, names: Names): ExerciseScriptDto => ({
  id: s.id,
  name: s.name,
  recordingId: s.recordingId,
  recordingName: s.recordingName,
  injects: s.injects.map((p) => ({ at: p.at.toISOString(), ...p.inject })),
  createdBy: s.createdBy,
  createdByName: names.get(s.createdBy) ?? null,
  createdAt: s.createdAt.toISOString(),
});

/** The city injects are checked against: the engine's topology and the seeds' gateway of each device. */
export interface InjectCity {
  readonly topology: Topology;
  readonly gatewayOf: ReadonlyMap<string, string>;
}

/**
 * Trainers' injects and scripts. An inject is logged on the running exercise at a time of its recording (its drill clock
 * by default), never at or before what the replay has already applied; the runner compiles the log into the engine's
 * input with the recording (InjectCompiler), so the same recording and injects give the same incidents. A script is a
 * recording with injects planned at times of it; an exercise started from it has them logged before its replay starts.
 */
export class ExerciseInjectService {
  constructor(
    private readonly repo: ExerciseInjectRepository,
    private readonly exercises: ExerciseRepository,
    private readonly service: ExerciseService,
    private readonly users: UserRepository,
    private readonly city: InjectCity,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Logs an inject on a running exercise, at `request.at` or now on its drill clock. */
  async inject(exerciseId: string, request: ExerciseInjectRequest, by: string): Promise<ExerciseInjectDto> {
    const inject = injectOf(request);
    const e = await this.exercises.findExercise(exerciseId);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    this.checkTarget(inject, { exerciseId });
    const silenced = silencedDevices(inject, this.city.topology, this.city.gatewayOf);
    if (silenced.length && e.recordingId && !(await this.repo.recordingHoldsAny(e.recordingId, silenced)))
      throw invalid(
        'not-recorded',
        `the recording holds no message of ${describeTarget(inject)}: the drill could not notice its silence`,
        { exerciseId },
      );
    const now = this.clock.nowMs();
    // Now on the drill clock, and after what the replay has applied (a paused drill's clock stands where it stopped).
    const passed = Math.max(e.replayedTo?.getTime() ?? e.from.getTime() - 1, e.quietUntil?.getTime() ?? -Infinity);
    const at = request.at?.getTime() ?? Math.max(drillTimeAt(clockStateOf(e), now), passed + 1);
    const logged = await this.repo.add(
      exerciseId,
      { at: new Date(at), inject, createdBy: by, createdAt: new Date(now) },
      (x) => checkTime(x, at, exerciseId),
    );
    if (!logged) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    this.logger.info({ exerciseId, seq: logged.seq, kind: inject.kind, at: logged.at, by }, 'inject logged');
    return toInjectDto(logged, await this.namesOf([by]));
  }

  async injects(exerciseId: string): Promise<ExerciseInjectDto[]> {
    if (!(await this.exercises.findExercise(exerciseId)))
      throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    const list = await this.repo.list(exerciseId);
    const names = await this.namesOf(list.map((i) => i.createdBy));
    return list.map((i) => toInjectDto(i, names));
  }

  /** Starts an exercise of a recording, or of a script: its planned injects are logged before the replay starts. */
  async start(input: ExerciseRequest, by: string): Promise<ExerciseDto> {
    if (input.recordingId) return this.service.start({ ...input, recordingId: input.recordingId }, by);
    const scriptId = input.scriptId!;
    const script = await this.repo.findScript(scriptId);
    if (!script) throw new ExerciseError('EXERCISE_SCRIPT_NOT_FOUND', `no script ${scriptId}`, { scriptId });
    if (!script.recordingId)
      throw new ExerciseError('RECORDING_NOT_FOUND', `the recording of script "${script.name}" was deleted`, {
        scriptId,
      });
    const started = await this.service.start({ speed: input.speed, recordingId: script.recordingId }, by, (id) =>
      this.repo.plan(id, script.injects, { createdBy: by, createdAt: new Date(this.clock.nowMs()) }),
    );
    this.logger.info(
      { exerciseId: started.id, scriptId, injects: script.injects.length, by },
      'scripted exercise started',
    );
    return started;
  }

  async createScript(input: ExerciseScriptRequest, by: string): Promise<ExerciseScriptDto> {
    const recording = await this.exercises.findRecording(input.recordingId);
    if (!recording)
      throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${input.recordingId}`, {
        recordingId: input.recordingId,
      });
    const injects = input.injects.map((r, index) => {
      const inject = injectOf(r);
      this.checkTarget(inject, { index });
      const at = r.at!;
      if (at < recording.from || at >= recording.to)
        throw invalid(
          'time',
          `inject ${index + 1} at ${at.toISOString()} lies outside the recording, ${recording.from.toISOString()} to ${recording.to.toISOString()}`,
          { index },
        );
      return { at, inject };
    });
    return this.saveScript(input.name, recording.id, injects, by);
  }

  /** Saves a running or ended exercise (its recording and logged injects) as a script. */
  async saveAsScript(exerciseId: string, name: string, by: string): Promise<ExerciseScriptDto> {
    const e = await this.exercises.findExercise(exerciseId);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    if (!e.recordingId)
      throw new ExerciseError('RECORDING_NOT_FOUND', 'the recording of this exercise was deleted', { exerciseId });
    const logged = await this.repo.list(exerciseId);
    return this.saveScript(
      name,
      e.recordingId,
      logged.map((i) => ({ at: i.at, inject: i.inject })),
      by,
    );
  }

  async scripts(): Promise<ExerciseScriptDto[]> {
    const list = await this.repo.listScripts(LIST_LIMIT);
    const names = await this.namesOf(list.map((s) => s.createdBy));
    return list.map((s) => toScriptDto(s, names));
  }

  async deleteScript(id: string, by: string): Promise<void> {
    if (!(await this.repo.deleteScript(id)))
      throw new ExerciseError('EXERCISE_SCRIPT_NOT_FOUND', `no script ${id}`, { scriptId: id });
    this.logger.info({ scriptId: id, by }, 'exercise script deleted');
  }

  private async saveScript(
    name: string,
    recordingId: string,
    injects: ReadonlyArray<{ readonly at: Date; readonly inject: ExerciseInject }>,
    by: string,
  ): Promise<ExerciseScriptDto> {
    const script = await this.repo
      .createScript({
        id: randomUUID(),
        name,
        recordingId,
        injects,
        createdBy: by,
        createdAt: new Date(this.clock.nowMs()),
      })
      .catch((err: unknown) => {
        // The recording was deleted between the read and the insert (foreign key violation).
        if ((err as { code?: string })?.code === '23503')
          throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${recordingId}`, { recordingId });
        throw err;
      });
    this.logger.info({ scriptId: script.id, recordingId, injects: injects.length, by }, 'exercise script saved');
    return toScriptDto(script, await this.namesOf([by]));
  }

  private checkTarget(inject: ExerciseInject, details: Record<string, unknown>): void {
    const problem = injectProblem(inject, this.city.topology, this.city.gatewayOf);
    if (problem) throw invalid('target', problem, details);
  }

  private async namesOf(ids: readonly string[]): Promise<Names> {
    const users = await this.users.findByIds([...new Set(ids)]);
    return new Map([...users].map(([id, u]) => [id, u.displayName]));
  }
}

const invalid = (reason: 'target' | 'time' | 'not-recorded', message: string, details: Record<string, unknown>) =>
  new ExerciseError('EXERCISE_INJECT_INVALID', message, { ...details, reason });

const describeTarget = (i: ExerciseInject): string =>
  'deviceId' in i ? i.deviceId : 'gatewayId' in i ? `gateway ${i.gatewayId}` : `ward ${i.wardId ?? ''}`;

/** An inject's time must lie in the recording and after what the replay has applied (or a seek has skipped). */
function checkTime(e: InjectableExercise, at: number, exerciseId: string): void {
  if (e.status !== 'running')
    throw new ExerciseError('EXERCISE_NOT_RUNNING', `the exercise is already ${e.status}`, {
      exerciseId,
      status: e.status,
    });
  const iso = new Date(at).toISOString();
  if (at < e.from.getTime() || at >= e.to.getTime())
    throw invalid(
      'time',
      `inject at a time of the recording, ${e.from.toISOString()} to ${e.to.toISOString()} (not ${iso})`,
      { exerciseId, at: iso },
    );
  const passed = Math.max(e.replayedTo?.getTime() ?? -Infinity, e.quietUntil?.getTime() ?? -Infinity);
  if (at <= passed)
    throw invalid(
      'time',
      `the drill has already been replayed to ${new Date(passed).toISOString()}: inject after it (not at ${iso})`,
      { exerciseId, at: iso, replayedTo: new Date(passed).toISOString() },
    );
}
