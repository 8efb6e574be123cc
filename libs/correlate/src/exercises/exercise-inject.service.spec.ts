import pino from 'pino';
import { buildTopology, loadCity, planConnections } from '@ioc/city';
import type { ExerciseInjectRequest } from '@ioc/contracts';
import type { Clock } from '@ioc/platform';
import type {
  ExerciseInjectRecord,
  ExerciseInjectRepository,
  ExerciseRecord,
  ExerciseRepository,
  ExerciseScriptRecord,
  InjectableExercise,
  UserRepository,
} from '@ioc/storage';
import { ExerciseInjectService } from './exercise-inject.service';
import type { ExerciseService } from './exercise.service';

const city = loadCity();
const injectCity = { topology: buildTopology(city), gatewayOf: planConnections(city.devices).gatewayOf };
const NOW = Date.parse('2026-11-22T09:00:00+07:00');
const FROM = Date.parse('2026-10-28T05:00:00+07:00');
const MIN = 60_000;
const clock: Clock = { now: () => new Date(NOW), nowMs: () => NOW };

function exercise(over: Partial<ExerciseRecord> = {}): ExerciseRecord {
  return {
    id: '3f1b9a52-0e55-4a8e-b1c4-9d1d3c1f0a22',
    recordingId: '7d0c6a43-5d3c-4c59-9d57-1c1e1a0e7a11',
    recordingName: 'Triều cường',
    from: new Date(FROM),
    to: new Date(FROM + 120 * MIN),
    speed: 60,
    keyPrefix: 'exercise-3f1b9a52/',
    status: 'running',
    startedBy: 'u-trainer',
    startedAt: new Date(NOW - MIN),
    // One wall minute in at ×60: the drill clock is an hour in.
    anchorAt: new Date(NOW - MIN),
    anchorTo: new Date(FROM),
    paused: false,
    run: 0,
    quietUntil: null,
    replayedTo: new Date(FROM + 59 * MIN),
    signalsApplied: 0,
    endedAt: null,
    endedBy: null,
    error: null,
    woundUp: false,
    ...over,
  };
}

function setup(e: ExerciseRecord, opts: { recorded?: boolean; script?: ExerciseScriptRecord } = {}) {
  const logged: ExerciseInjectRecord[] = [];
  const planned: unknown[] = [];
  const started: unknown[] = [];
  const repo = {
    recordingHoldsAny: async () => opts.recorded ?? true,
    add: async (
      exerciseId: string,
      i: Omit<ExerciseInjectRecord, 'exerciseId' | 'seq' | 'incidentKeys'>,
      check: (x: InjectableExercise) => void,
    ) => {
      check({ ...e, recordingId: e.recordingId });
      const r = { ...i, exerciseId, seq: logged.length + 1, incidentKeys: [] };
      logged.push(r);
      return r;
    },
    findScript: async () => opts.script,
    plan: async (id: string, injects: unknown) => void planned.push([id, injects]),
  } as unknown as ExerciseInjectRepository;
  const exercises = { findExercise: async () => e } as unknown as ExerciseRepository;
  const service = {
    start: async (input: unknown, by: string, beforeQueue?: (id: string) => Promise<void>) => {
      started.push([input, by]);
      await beforeQueue?.('new-exercise');
      return { id: 'new-exercise' };
    },
  } as unknown as ExerciseService;
  const users = { findByIds: async () => new Map() } as unknown as UserRepository;
  const s = new ExerciseInjectService(repo, exercises, service, users, injectCity, clock, pino({ level: 'silent' }));
  return { s, logged, planned, started };
}

const tamper: ExerciseInjectRequest = { kind: 'camera-tampered', deviceId: 'cam-thd-002' };

describe('ExerciseInjectService', () => {
  it('logs an inject now on the drill clock by default, or at a given time after what the replay has applied', async () => {
    const x = setup(exercise());
    expect((await x.s.inject('ex', tamper, 'u-1')).at).toBe(new Date(FROM + 60 * MIN).toISOString());
    const later = new Date(FROM + 90 * MIN);
    expect((await x.s.inject('ex', { ...tamper, at: later }, 'u-1')).at).toBe(later.toISOString());
    expect(x.logged.map((i) => [i.seq, i.inject])).toEqual([
      [1, { kind: 'camera-tampered', deviceId: 'cam-thd-002' }],
      [2, { kind: 'camera-tampered', deviceId: 'cam-thd-002' }],
    ]);
  });

  it('while paused, or after a seek, injects just after what the replay has applied or skipped', async () => {
    const paused = setup(
      exercise({ paused: true, anchorTo: new Date(FROM + 30 * MIN), replayedTo: new Date(FROM + 30 * MIN) }),
    );
    expect((await paused.s.inject('ex', tamper, 'u')).at).toBe(new Date(FROM + 30 * MIN + 1).toISOString());
    const sought = setup(
      exercise({
        paused: true,
        anchorTo: new Date(FROM + 80 * MIN),
        quietUntil: new Date(FROM + 80 * MIN),
        replayedTo: new Date(FROM + 20 * MIN),
      }),
    );
    expect((await sought.s.inject('ex', tamper, 'u')).at).toBe(new Date(FROM + 80 * MIN + 1).toISOString());
  });

  it('refuses, with the reason, an unknown target, a time passed or outside, an unnoticeable silence, an ended drill', async () => {
    const x = setup(exercise());
    const refused = (r: ExerciseInjectRequest, s = x.s) =>
      s.inject('ex', r, 'u').then(
        () => 'logged',
        (err: { code: string; details?: { reason?: string } }) => `${err.code} ${err.details?.reason ?? ''}`.trim(),
      );
    expect(await refused({ kind: 'camera-dark', deviceId: 'cam-nope' })).toBe('EXERCISE_INJECT_INVALID target');
    expect(await refused({ kind: 'pump-failure', deviceId: 'cam-thd-002' })).toBe('EXERCISE_INJECT_INVALID target');
    expect(await refused({ ...tamper, at: new Date(FROM + 59 * MIN) })).toBe('EXERCISE_INJECT_INVALID time');
    expect(await refused({ ...tamper, at: new Date(FROM + 120 * MIN) })).toBe('EXERCISE_INJECT_INVALID time');
    expect(await refused({ kind: 'ward-power-cut', wardId: 'ward-p3' }, setup(exercise(), { recorded: false }).s)).toBe(
      'EXERCISE_INJECT_INVALID not-recorded',
    );
    expect(await refused(tamper, setup(exercise({ status: 'stopped' })).s)).toBe('EXERCISE_NOT_RUNNING');
    expect(x.logged).toEqual([]);
  });

  it('starts a script’s exercise with its recording, its planned injects logged before the replay is queued', async () => {
    const script: ExerciseScriptRecord = {
      id: 's-1',
      name: 'Mất điện',
      recordingId: 'rec-1',
      recordingName: 'r',
      injects: [{ at: new Date(FROM + 10 * MIN), inject: { kind: 'ward-power-cut', wardId: 'ward-p3' } }],
      createdBy: 'u-1',
      createdAt: new Date(NOW),
    };
    const x = setup(exercise(), { script });
    await x.s.start({ scriptId: 's-1', speed: 60 }, 'u-2');
    expect(x.started).toEqual([[{ speed: 60, recordingId: 'rec-1' }, 'u-2']]);
    expect(x.planned).toEqual([['new-exercise', script.injects]]);
    await expect(
      setup(exercise(), { script: { ...script, recordingId: null } }).s.start({ scriptId: 's-1', speed: 1 }, 'u'),
    ).rejects.toMatchObject({ code: 'RECORDING_NOT_FOUND' });
    await expect(setup(exercise()).s.start({ scriptId: 's-2', speed: 1 }, 'u')).rejects.toMatchObject({
      code: 'EXERCISE_SCRIPT_NOT_FOUND',
    });
  });
});
