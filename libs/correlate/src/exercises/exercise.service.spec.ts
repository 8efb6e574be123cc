import pino from 'pino';
import type { IncidentSignal } from '@ioc/domain';
import type { Clock } from '@ioc/platform';
import type {
  ExerciseRecord,
  ExerciseRepository,
  IncidentRepository,
  RecordingRecord,
  UserRepository,
} from '@ioc/storage';
import type { IncidentChangeFanout, IncidentService } from '@ioc/incidents';
import { EXERCISE_ENDED_REASON, ExerciseService, type ExerciseJobs } from './exercise.service';

const NOW = Date.parse('2026-11-22T09:00:00+07:00');
let wall = NOW;
const clock: Clock = { now: () => new Date(wall), nowMs: () => wall };
const recording: RecordingRecord = {
  id: '7d0c6a43-5d3c-4c59-9d57-1c1e1a0e7a11',
  name: 'Triều cường tháng 10',
  from: new Date('2026-10-28T05:00:00+07:00'),
  to: new Date('2026-10-28T07:00:00+07:00'),
  reports: 0,
  messages: 120_000,
  createdBy: 'u-trainer',
  createdAt: new Date(NOW - 3_600_000),
};

function exercise(over: Partial<ExerciseRecord> = {}): ExerciseRecord {
  return {
    id: '3f1b9a52-0e55-4a8e-b1c4-9d1d3c1f0a22',
    recordingId: recording.id,
    recordingName: recording.name,
    from: recording.from,
    to: recording.to,
    speed: 60,
    keyPrefix: 'exercise-3f1b9a52/',
    status: 'running',
    startedBy: 'u-trainer',
    startedAt: new Date(NOW),
    anchorAt: new Date(NOW),
    anchorTo: recording.from,
    paused: false,
    run: 0,
    quietUntil: null,
    replayedTo: null,
    signalsApplied: 0,
    endedAt: null,
    endedBy: null,
    error: null,
    woundUp: false,
    ...over,
  };
}

/** The service over fakes of its ports: what it stores, queues and applies is recorded. */
function setup(
  opts: {
    running?: ExerciseRecord;
    queue?: 'down';
    activeKeys?: string[];
    record?: Awaited<ReturnType<ExerciseRepository['record']>>;
  } = {},
) {
  const ended: Array<{ id: string; status: string; error?: string }> = [];
  const applied: Array<{ signal: IncidentSignal; exercise?: boolean }> = [];
  const queued: string[] = [];
  const wound: string[] = [];
  let current = opts.running;
  const repo = {
    findRecording: async (id: string) => (id === recording.id ? recording : undefined),
    record: async () => opts.record ?? recording,
    start: async (e: Pick<ExerciseRecord, 'id' | 'speed' | 'keyPrefix' | 'startedBy' | 'startedAt'>) => {
      if (current?.status === 'running') return 'active' as const;
      current = exercise({ ...e, anchorAt: e.startedAt });
      return current;
    },
    steer: async (id: string, change: (e: ExerciseRecord) => Partial<ExerciseRecord> & { restart: boolean }) => {
      if (!current || current.id !== id) return 'not-found';
      if (current.status !== 'running') return { notRunning: current };
      const { restart, ...c } = change(current);
      current = { ...current, ...c, ...(restart && { replayedTo: null, signalsApplied: 0 }) };
      return { steered: current };
    },
    end: async (id: string, o: { status: ExerciseRecord['status']; error?: string; by?: string }) => {
      if (!current || current.id !== id || current.status !== 'running') return undefined;
      ended.push({ id, status: o.status, ...(o.error && { error: o.error }) });
      current = { ...current, status: o.status, endedBy: o.by ?? null };
      return current;
    },
    findExercise: async (id: string) => (current?.id === id ? current : undefined),
    checkpoint: async (_id: string, _run: number, at: Date, n: number) => {
      current = { ...current!, replayedTo: at, signalsApplied: n };
      return current;
    },
    markWoundUp: async (id: string) => void wound.push(id),
  } as unknown as ExerciseRepository;
  const users = {
    findByIds: async () => new Map([['u-trainer', { displayName: 'Phạm Thu Hà' }]]),
  } as unknown as UserRepository;
  const incidents = {
    applySignal: async (signal: IncidentSignal, o: { exercise?: boolean }) => {
      applied.push({ signal, exercise: o.exercise });
      return { incidents: [], events: [] };
    },
  } as unknown as IncidentService;
  const incidentRepo = {
    activeKeysWithPrefix: async (prefix: string) => (opts.activeKeys ?? []).filter((k) => k.startsWith(prefix)),
  } as unknown as IncidentRepository;
  const fanout = { changed: async () => undefined } as unknown as IncidentChangeFanout;
  const jobs: ExerciseJobs = {
    add: (async (_name: string, data: { exerciseId: string }) => {
      if (opts.queue === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      queued.push(data.exerciseId);
      return {};
    }) as never,
  };
  const service = new ExerciseService(
    repo,
    users,
    incidents,
    incidentRepo,
    fanout,
    jobs,
    clock,
    pino({ level: 'silent' }),
  );
  return { service, ended, applied, queued, wound };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('ExerciseService', () => {
  beforeEach(() => (wall = NOW));

  it('starts an exercise under a prefix of its own and queues its replay; its end is at the chosen speed', async () => {
    const { service, queued } = setup();
    const dto = await service.start({ recordingId: recording.id, speed: 60 }, 'u-trainer');
    expect(dto).toMatchObject({
      status: 'running',
      speed: 60,
      recordingName: recording.name,
      startedByName: 'Phạm Thu Hà',
      replayedTo: null,
    });
    expect(dto.keyPrefix).toBe(`exercise-${dto.id.slice(0, 8)}/`);
    // Two hours of recording at ×60: two minutes.
    expect(dto.endsAt).toBe(new Date(NOW + 120_000).toISOString());
    expect(queued).toEqual([dto.id]);
  });

  it('refuses a second exercise, an unknown recording, and frees the slot when the replay cannot be queued', async () => {
    expect(
      await codeOf(setup({ running: exercise() }).service.start({ recordingId: recording.id, speed: 1 }, 'u')),
    ).toBe('EXERCISE_ACTIVE');
    expect(
      await codeOf(setup().service.start({ recordingId: '00000000-0000-4000-8000-000000000000', speed: 1 }, 'u')),
    ).toBe('RECORDING_NOT_FOUND');
    const down = setup({ queue: 'down' });
    expect(await codeOf(down.service.start({ recordingId: recording.id, speed: 1 }, 'u'))).toBe('QUEUE_UNAVAILABLE');
    expect(down.ended).toEqual([{ id: expect.any(String), status: 'failed', error: 'its replay could not be queued' }]);
  });

  it('stops a running exercise and resolves what it left active, as exercise incidents; a second stop is refused', async () => {
    const e = exercise();
    const { service, applied, wound } = setup({
      running: e,
      activeKeys: ['exercise-3f1b9a52/bin-fire:ward-p10', 'exercise-99999999/bin-fire:ward-p10'],
    });
    expect(await service.stop(e.id, 'u-trainer')).toMatchObject({ status: 'stopped', endedByName: 'Phạm Thu Hà' });
    expect(applied).toEqual([
      {
        signal: { op: 'clear', key: 'exercise-3f1b9a52/bin-fire:ward-p10', at: NOW, reason: EXERCISE_ENDED_REASON },
        exercise: true,
      },
    ]);
    expect(wound).toEqual([e.id]);
    expect(await codeOf(service.stop(e.id, 'u-trainer'))).toBe('EXERCISE_NOT_RUNNING');
    expect(await codeOf(service.stop('00000000-0000-4000-8000-000000000000', 'u-trainer'))).toBe('EXERCISE_NOT_FOUND');
  });

  it('refuses a recording of a window with nothing stored, or too much, naming the window', async () => {
    const input = { name: 'Đêm', from: recording.from, to: recording.to };
    const empty = setup({ record: 'empty' }).service.record(input, 'u');
    await expect(empty).rejects.toMatchObject({
      code: 'RECORDING_INVALID',
      message: expect.stringContaining('nothing was stored between 2026-10-27T22:00:00.000Z'),
    });
    await expect(setup({ record: { tooMany: 2_000_001 } }).service.record(input, 'u')).rejects.toMatchObject({
      code: 'RECORDING_INVALID',
      message: expect.stringContaining('record a shorter window'),
    });
  });

  it('pauses, resumes, changes the speed of and seeks a running exercise on its drill clock', async () => {
    const e = exercise({ speed: 60 });
    const { service, applied } = setup({
      running: e,
      activeKeys: ['exercise-3f1b9a52/bin-fire:ward-p10', 'exercise-3f1b9a52/r1/flood:ward-p3'],
    });
    const from = recording.from.getTime();
    wall = NOW + 10_000; // ×60: 10 minutes into the recording
    expect(await service.pause(e.id, 'u-trainer')).toMatchObject({
      paused: true,
      drillTime: new Date(from + 600_000).toISOString(),
      endsAt: null,
    });
    wall = NOW + 20_000; // paused: the clock stands still
    expect((await service.get(e.id)).drillTime).toBe(new Date(from + 600_000).toISOString());
    expect(await service.pause(e.id, 'u-trainer')).toMatchObject({ paused: true });
    expect(await service.resume(e.id, 'u-trainer')).toMatchObject({ paused: false });
    wall = NOW + 30_000; // resumed 10 s ago at ×60
    expect(await service.speed(e.id, 'max', 'u-trainer')).toMatchObject({
      speed: 'max',
      drillTime: new Date(from + 1_200_000).toISOString(),
      endsAt: null,
    });
    expect(await service.speed(e.id, 10, 'u-trainer')).toMatchObject({ speed: 10 });
    // Forward: the clock jumps, the checkpoint stays, the skipped part is quiet.
    const forward = await service.seek(e.id, new Date(from + 3_600_000), 'u-trainer');
    expect(forward).toMatchObject({ run: 0, drillTime: new Date(from + 3_600_000).toISOString() });
    // Backward (before what was applied): a new run under its own prefix, its checkpoint back at the start.
    await (service as unknown as { repo: ExerciseRepository }).repo.checkpoint(e.id, 0, new Date(from + 3_600_000), 4);
    const back = await service.seek(e.id, new Date(from + 60_000), 'u-trainer');
    expect(back).toMatchObject({
      run: 1,
      runPrefix: 'exercise-3f1b9a52/r1/',
      replayedTo: null,
      signalsApplied: 0,
      drillTime: new Date(from + 60_000).toISOString(),
    });
    // The earlier run's incidents still active are resolved; the current run's stay.
    expect(await service.resolveEarlierRuns({ id: e.id, keyPrefix: e.keyPrefix, run: 1 })).toBe(1);
    expect(applied.map((a) => [a.signal.key, (a.signal as { reason?: string }).reason])).toEqual([
      ['exercise-3f1b9a52/bin-fire:ward-p10', 'the exercise was rewound'],
    ]);
    expect(await codeOf(service.seek(e.id, new Date(from - 1), 'u-trainer'))).toBe('EXERCISE_SEEK_INVALID');
    expect(await codeOf(service.seek(e.id, new Date(recording.to.getTime() + 1), 'u-trainer'))).toBe(
      'EXERCISE_SEEK_INVALID',
    );
    await service.stop(e.id, 'u-trainer');
    expect(await codeOf(service.pause(e.id, 'u-trainer'))).toBe('EXERCISE_NOT_RUNNING');
    expect(await codeOf(service.resume('00000000-0000-4000-8000-000000000000', 'u'))).toBe('EXERCISE_NOT_FOUND');
  });
});
