import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import { ExerciseRepository, type Database, type RecordingRecord } from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-10-28T06:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000);
/** Field reports: id, minute, photo. */
const REPORTS: ReadonlyArray<[string, number, string | null]> = [
  ['4b1f2c1e-0000-4000-8000-000000000004', 4, 'photos/4.jpg'],
  ['4b1f2c1e-0000-4000-8000-000000000002', 2, null],
  ['4b1f2c1e-0000-4000-8000-000000000015', 15, null],
];

describe.each(STORAGE_PATHS)('exercise recordings and exercises (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;
  let repo: ExerciseRepository;

  beforeAll(async () => {
    opened = await openTestDatabase(path, 3);
    db = opened.db;
    repo = new ExerciseRepository(db);
    // Five readings of two devices inside [0, 10) min, one just before and one at the window's end.
    const rows: Array<[number, string, string]> = [
      [-1, 'wl-1', 'before'],
      [1, 'wl-2', 'b'],
      [1, 'wl-1', 'a'],
      [3, 'wl-1', 'c'],
      [3, 'wl-1', 'b'],
      [9, 'wl-2', 'z'],
      [10, 'wl-1', 'at-end'],
    ];
    for (const [min, device, msg] of rows) {
      await db.pool.query(
        `INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, body) VALUES ($1, $2, $3, 'water-level', $1, $4, $5)`,
        [at(min), device, msg, `ioc/v1/flood/water-level/${device}`, { levelCm: min * 10 }],
      );
    }
    // Field reports at minutes 4 and 2 (inside [0, 10)) and 15 (alone in [12, 18)).
    for (const [id, min, photo] of REPORTS) {
      await db.pool.query(
        `INSERT INTO field_report (id, reported_at, channel, category, lat, lon, text, photo_ref, reported_by, ward_id) VALUES ($1, $2, 'report-api', 'flooding', 9.6, 105.97, $3, $4, 'u-9', 'ward-p2')`,
        [id, at(min), `ngập ${min}`, photo],
      );
    }
  });

  afterAll(() => opened?.close());

  const record = (from: number, to: number, max = 100) =>
    repo.record({ id: randomUUID(), name: 'triều cường', from: at(from), to: at(to), createdBy: 'u-1' }, max);

  it('copies the messages stored in [from, to) and reads them back page by page in canonical order', async () => {
    const r = (await record(0, 10)) as RecordingRecord;
    expect(r).toMatchObject({
      name: 'triều cường',
      from: at(0),
      to: at(10),
      messages: 5,
      reports: 2,
      createdBy: 'u-1',
    });
    expect(await repo.findRecording(r.id)).toEqual(r);

    const read: string[] = [];
    let after;
    for (;;) {
      const page = await repo.recordingPage(r.id, after, 2);
      read.push(...page.map((m) => `${m.ts.getTime() - T0}/${m.deviceId}/${m.msgId}`));
      if (page.length < 2) break;
      const last = page[page.length - 1];
      after = { time: last.ts, deviceId: last.deviceId, msgId: last.msgId };
    }
    expect(read).toEqual(['60000/wl-1/a', '60000/wl-2/b', '180000/wl-1/b', '180000/wl-1/c', '540000/wl-2/z']);
    const [first] = await repo.recordingPage(r.id, undefined, 1);
    expect(first).toMatchObject({
      kind: 'water-level',
      domain: 'flood',
      topic: 'ioc/v1/flood/water-level/wl-1',
      body: { levelCm: 10 },
    });
    expect(await repo.recordingDevices(r.id)).toEqual(['wl-1', 'wl-2']);
    // In [2, 5) only wl-1 spoke.
    expect(await repo.recordingDevices(((await record(2, 5)) as RecordingRecord).id)).toEqual(['wl-1']);
    // The window's field reports, oldest first, as the engine takes them.
    expect(await repo.recordingReports(r.id)).toEqual([
      {
        id: REPORTS[1][0],
        reportedAt: at(2).getTime(),
        channel: 'report-api',
        category: 'flooding',
        lat: 9.6,
        lon: 105.97,
        text: 'ngập 2',
      },
      {
        id: REPORTS[0][0],
        reportedAt: at(4).getTime(),
        channel: 'report-api',
        category: 'flooding',
        lat: 9.6,
        lon: 105.97,
        text: 'ngập 4',
        photoRef: 'photos/4.jpg',
      },
    ]);
  });

  it('records a window of field reports alone', async () => {
    const r = (await record(12, 18)) as RecordingRecord;
    expect(r).toMatchObject({ messages: 0, reports: 1 });
    expect(await repo.recordingPage(r.id, undefined, 10)).toEqual([]);
    expect((await repo.recordingReports(r.id)).map((x) => x.text)).toEqual(['ngập 15']);
  });

  it('keeps nothing of a window with no messages, or with more than the limit', async () => {
    const before = (await repo.listRecordings(100)).length;
    expect(await record(20, 30)).toBe('empty');
    expect(await record(0, 10, 4)).toEqual({ tooMany: 5 });
    // Messages and reports count together: 5 + 2.
    expect(await record(0, 10, 6)).toEqual({ tooMany: 7 });
    expect((await repo.listRecordings(100)).length).toBe(before);
  });

  it('runs exercises up to a limit, checkpoints one only while it runs its run, steers it, and ends it once', async () => {
    const r = (await record(0, 10)) as RecordingRecord;
    const start = (id = randomUUID(), max = 1) =>
      repo.start(
        { id, speed: 60, keyPrefix: `exercise-${id.slice(0, 8)}/`, startedBy: 'u-2', startedAt: at(100) },
        r,
        max,
      );
    const e = await start();
    if (e === 'active') throw new Error('expected a running exercise');
    expect(e).toMatchObject({
      recordingId: r.id,
      recordingName: 'triều cường',
      from: at(0),
      to: at(10),
      speed: 60,
      status: 'running',
      signalsApplied: 0,
      replayedTo: null,
      woundUp: false,
      anchorAt: at(100),
      anchorTo: at(0),
      paused: false,
      run: 0,
      quietUntil: null,
    });
    expect(await start()).toBe('active');
    // Two at once when the limit allows; the third is refused.
    const second = await start(randomUUID(), 2);
    expect(second).not.toBe('active');
    expect(await repo.runningCount()).toBe(2);
    expect(await start(randomUUID(), 2)).toBe('active');
    await repo.end((second as { id: string }).id, { status: 'stopped', at: at(100) });

    expect(await repo.checkpoint(e.id, 0, at(4), 3)).toMatchObject({ status: 'running' });
    expect(await repo.findExercise(e.id)).toMatchObject({ replayedTo: at(4), signalsApplied: 3 });
    // Steered: a pause keeps the checkpoint; a restart (backward seek) resets it, and the old run's step changes nothing.
    const steered = await repo.steer(e.id, (x) => ({
      speed: 0,
      anchorAt: at(101),
      anchorTo: at(5),
      paused: true,
      run: x.run,
      quietUntil: null,
      restart: false,
    }));
    expect(steered).toMatchObject({
      steered: { speed: 0, paused: true, anchorTo: at(5), replayedTo: at(4), signalsApplied: 3 },
    });
    expect(
      await repo.steer(e.id, () => ({
        speed: 10,
        anchorAt: at(102),
        anchorTo: at(2),
        paused: false,
        run: 1,
        quietUntil: at(2),
        restart: true,
      })),
    ).toMatchObject({ steered: { run: 1, quietUntil: at(2), replayedTo: null, signalsApplied: 0 } });
    expect(await repo.checkpoint(e.id, 0, at(6), 5)).toMatchObject({ run: 1, replayedTo: null, signalsApplied: 0 });
    expect(await repo.checkpoint(e.id, 1, at(4), 3)).toMatchObject({ run: 1, replayedTo: at(4), signalsApplied: 3 });
    expect(await repo.steer(randomUUID(), () => ({}) as never)).toBe('not-found');
    expect(await repo.deleteRecording(r.id)).toBe('in-use');

    expect(await repo.end(e.id, { status: 'stopped', at: at(101), by: 'u-3' })).toMatchObject({
      status: 'stopped',
      endedAt: at(101),
      endedBy: 'u-3',
    });
    expect(await repo.end(e.id, { status: 'finished', at: at(102) })).toBeUndefined();
    // A runner that had not seen the stop learns it, and changes nothing.
    expect(await repo.checkpoint(e.id, 1, at(6), 5)).toMatchObject({ status: 'stopped' });
    expect(await repo.steer(e.id, () => ({}) as never)).toMatchObject({ notRunning: { status: 'stopped' } });
    expect(await repo.findExercise(e.id)).toMatchObject({ status: 'stopped', replayedTo: at(4), signalsApplied: 3 });
    expect(await repo.checkpoint(randomUUID(), 0, at(6), 5)).toBeUndefined();

    await repo.markWoundUp(e.id);
    const next = await start();
    expect(next).not.toBe('active');
    expect((await repo.listExercises(10)).map((x) => x.id)).toEqual(
      expect.arrayContaining([(next as { id: string }).id, e.id]),
    );
    await repo.end((next as { id: string }).id, { status: 'failed', at: at(103), error: 'boom' });

    // The recording goes; its exercises keep its name and window.
    expect(await repo.deleteRecording(r.id)).toBe('deleted');
    expect(await repo.findRecording(r.id)).toBeUndefined();
    expect(await repo.findExercise(e.id)).toMatchObject({
      recordingId: null,
      recordingName: 'triều cường',
      from: at(0),
      woundUp: true,
    });
    expect(await repo.recordingPage(r.id, undefined, 10)).toEqual([]);
    expect(await repo.deleteRecording(r.id)).toBe('not-found');
    expect(await repo.deleteRecording('not-a-uuid')).toBe('not-found');
  });
});
