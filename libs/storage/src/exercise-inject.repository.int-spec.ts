import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import {
  ExerciseInjectRepository,
  ExerciseRepository,
  type Database,
  type ExerciseRecord,
  type RecordingRecord,
} from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-10-28T06:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000);

describe.each(STORAGE_PATHS)('exercise injects and scripts (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;
  let exercises: ExerciseRepository;
  let repo: ExerciseInjectRepository;
  let recording: RecordingRecord;

  beforeAll(async () => {
    opened = await openTestDatabase(path, 3);
    db = opened.db;
    exercises = new ExerciseRepository(db);
    repo = new ExerciseInjectRepository(db);
    for (const [min, device] of [
      [1, 'cam-ph-001'],
      [2, 'wl-p2-001'],
    ] as const)
      await db.pool.query(
        `INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, body) VALUES ($1, $2, 'm', 'water-level', $1, 't', '{}')`,
        [at(min), device],
      );
    recording = (await exercises.record(
      { id: randomUUID(), name: 'mất điện P3', from: at(0), to: at(60), createdBy: 'u-1' },
      100,
    )) as RecordingRecord;
  });

  afterAll(() => opened?.close());

  const start = async (): Promise<ExerciseRecord> => {
    const id = randomUUID();
    const e = await exercises.start(
      { id, speed: 60, keyPrefix: `exercise-${id.slice(0, 8)}/`, startedBy: 'u-2', startedAt: at(100) },
      recording,
      10,
    );
    if (e === 'active') throw new Error('expected a running exercise');
    return e;
  };

  it('numbers an exercise’s injects from 1, keeps them with their kind and params, and reads the new ones', async () => {
    const e = await start();
    const seen: unknown[] = [];
    const first = await repo.add(
      e.id,
      {
        at: at(5),
        inject: { kind: 'camera-dark', deviceId: 'cam-ph-001', durationMin: 30 },
        createdBy: 'u-2',
        createdAt: at(101),
      },
      (x) => void seen.push(x),
    );
    const second = await repo.add(
      e.id,
      { at: at(7), inject: { kind: 'ward-power-cut', wardId: 'ward-p3' }, createdBy: 'u-3', createdAt: at(102) },
      () => undefined,
    );
    expect(seen).toEqual([
      { status: 'running', recordingId: recording.id, from: at(0), to: at(60), replayedTo: null, quietUntil: null },
    ]);
    expect([first?.seq, second?.seq]).toEqual([1, 2]);
    expect(await repo.list(e.id)).toEqual([
      {
        exerciseId: e.id,
        seq: 1,
        at: at(5),
        inject: { kind: 'camera-dark', deviceId: 'cam-ph-001', durationMin: 30 },
        incidentKeys: [],
        createdBy: 'u-2',
        createdAt: at(101),
      },
      expect.objectContaining({ seq: 2, inject: { kind: 'ward-power-cut', wardId: 'ward-p3' } }),
    ]);
    expect((await repo.list(e.id, 1)).map((i) => i.seq)).toEqual([2]);
    // Another exercise's log is its own.
    expect(await repo.list((await start()).id)).toEqual([]);
  });

  it('logs nothing when the check refuses, and nothing for an unknown exercise', async () => {
    const e = await start();
    const inject = {
      at: at(5),
      inject: { kind: 'camera-dark' as const, deviceId: 'x' },
      createdBy: 'u',
      createdAt: at(1),
    };
    await expect(
      repo.add(e.id, inject, () => {
        throw new Error('too late');
      }),
    ).rejects.toThrow('too late');
    expect(await repo.list(e.id)).toEqual([]);
    expect(await repo.add(randomUUID(), inject, () => undefined)).toBeUndefined();
  });

  it('retimes an inject only forward, and notes each incident it caused once', async () => {
    const e = await start();
    await repo.add(
      e.id,
      { at: at(5), inject: { kind: 'camera-tampered', deviceId: 'cam-ph-001' }, createdBy: 'u', createdAt: at(1) },
      () => undefined,
    );
    expect((await repo.retime(e.id, 1, at(6)))?.at).toEqual(at(6));
    expect(await repo.retime(e.id, 1, at(4))).toBeUndefined();
    await repo.noteIncident(e.id, 1, 'exercise-x/camera-tampered:ward-p2');
    await repo.noteIncident(e.id, 1, 'exercise-x/camera-tampered:ward-p2');
    await repo.noteIncident(e.id, 1, 'exercise-x/r1/camera-tampered:ward-p2');
    expect((await repo.list(e.id))[0]).toMatchObject({
      at: at(6),
      incidentKeys: ['exercise-x/camera-tampered:ward-p2', 'exercise-x/r1/camera-tampered:ward-p2'],
    });
  });

  it('knows which devices a recording holds', async () => {
    expect(await repo.recordingHoldsAny(recording.id, ['cam-x', 'wl-p2-001'])).toBe(true);
    expect(await repo.recordingHoldsAny(recording.id, ['cam-x'])).toBe(false);
  });

  it('saves scripts, plans their injects into a new exercise’s log in time order, and deletes them', async () => {
    const script = await repo.createScript({
      id: randomUUID(),
      name: 'Mất điện phường 3',
      recordingId: recording.id,
      injects: [
        { at: at(20), inject: { kind: 'ward-power-cut', wardId: 'ward-p3', durationMin: 60 } },
        { at: at(10), inject: { kind: 'sensor-stuck', deviceId: 'wl-p2-001' } },
      ],
      createdBy: 'u-1',
      createdAt: at(200),
    });
    expect(script).toEqual({
      id: script.id,
      name: 'Mất điện phường 3',
      recordingId: recording.id,
      recordingName: 'mất điện P3',
      injects: [
        { at: at(10), inject: { kind: 'sensor-stuck', deviceId: 'wl-p2-001' } },
        { at: at(20), inject: { kind: 'ward-power-cut', wardId: 'ward-p3', durationMin: 60 } },
      ],
      createdBy: 'u-1',
      createdAt: at(200),
    });
    expect((await repo.listScripts(10)).map((s) => s.id)).toContain(script.id);

    const e = await start();
    await repo.plan(e.id, script.injects, { createdBy: 'u-9', createdAt: at(300) });
    expect((await repo.list(e.id)).map((i) => [i.seq, i.at, i.inject.kind, i.createdBy])).toEqual([
      [1, at(10), 'sensor-stuck', 'u-9'],
      [2, at(20), 'ward-power-cut', 'u-9'],
    ]);

    expect(await repo.deleteScript(script.id)).toBe(true);
    expect(await repo.deleteScript(script.id)).toBe(false);
    expect(await repo.findScript(script.id)).toBeUndefined();
    // The exercise keeps its log.
    expect(await repo.list(e.id)).toHaveLength(2);
  });
});
