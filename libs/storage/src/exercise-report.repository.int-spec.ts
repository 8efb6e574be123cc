import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import type { IncidentEvent, IncidentRecord } from '@ioc/domain';
import {
  ExerciseReportRepository,
  ExerciseRepository,
  IncidentNotificationRepository,
  IncidentRepository,
  type Database,
  type RecordingRecord,
} from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-10-28T06:00:00.000Z');
const at = (s: number) => T0 + s * 1000;

/** A new incident and its `opened` event. */
function opened(key: string, exercise: boolean, s: number): { record: IncidentRecord; event: IncidentEvent } {
  const record: IncidentRecord = {
    id: randomUUID(),
    key,
    type: 'bin-fire',
    ruleId: 'bin-fire',
    zone: { kind: 'ward', id: 'ward-p10' },
    severity: 'major',
    state: 'open',
    exercise,
    title: { vi: 'Cháy thùng rác', en: 'Bin fire' },
    openedAt: at(s),
    escalationLevel: 0,
    reopenCount: 0,
    evidence: [],
    evidenceCount: 0,
    absorbs: [],
    sopDone: [],
    version: 1,
  };
  const event: IncidentEvent = {
    type: 'opened',
    incidentId: record.id,
    at: at(s),
    actor: 'system',
    data: {
      key,
      incidentType: 'bin-fire',
      ruleId: 'bin-fire',
      zone: record.zone,
      severity: 'major',
      title: record.title,
      exercise,
      evidence: [],
      absorbs: [],
    },
  };
  return { record, event };
}

describe.each(STORAGE_PATHS)('after-action report reads and the review (%s)', (path) => {
  let opened_: TestDatabase | undefined;
  let db: Database;
  let reports: ExerciseReportRepository;
  let exercises: ExerciseRepository;
  let recording: RecordingRecord;

  beforeAll(async () => {
    opened_ = await openTestDatabase(path, 3);
    db = opened_.db;
    reports = new ExerciseReportRepository(db);
    exercises = new ExerciseRepository(db);
    await db.pool.query(
      `INSERT INTO raw_message (time, device_id, msg_id, kind, received_at, topic, body) VALUES ($1, 'wl-1', 'm', 'water-level', $1, 'ioc/v1/flood/water-level/wl-1', '{}')`,
      [new Date(at(1))],
    );
    recording = (await exercises.record(
      { id: randomUUID(), name: 'triều cường', from: new Date(at(0)), to: new Date(at(60)), createdBy: 'u-1' },
      100,
    )) as RecordingRecord;
  });

  afterAll(() => opened_?.close());

  const start = async () => {
    const id = randomUUID();
    const e = await exercises.start(
      { id, speed: 60, keyPrefix: `exercise-${id.slice(0, 8)}/`, startedBy: 'u-1', startedAt: new Date(at(0)) },
      recording,
      10,
    );
    if (e === 'active') throw new Error('no place');
    return e;
  };
  const review = (exerciseId: string, wentWell: string) => ({
    exerciseId,
    wentWell,
    toImprove: 'giao việc sớm hơn',
    updatedBy: 'u-trainer',
    updatedAt: new Date(at(100)),
  });

  it('keeps the review of an ended exercise only, replacing it on each save', async () => {
    const e = await start();
    expect(await reports.saveReview(review(e.id, 'tốt'))).toEqual({ running: true });
    expect(await reports.findReview(e.id)).toBeUndefined();
    await exercises.end(e.id, { status: 'finished', at: new Date(at(60)) });
    expect(await reports.saveReview(review(e.id, 'tốt'))).toEqual(review(e.id, 'tốt'));
    const again = { ...review(e.id, 'rất tốt'), updatedBy: 'u-supervisor', updatedAt: new Date(at(200)) };
    expect(await reports.saveReview(again)).toEqual(again);
    expect(await reports.findReview(e.id)).toEqual(again);
    expect(await reports.saveReview(review(randomUUID(), 'x'))).toBe('not-found');
    expect(await reports.saveReview(review('not-a-uuid', 'x'))).toBe('not-found');
    // The database holds the limit too.
    await expect(reports.saveReview(review(e.id, 'x'.repeat(4001)))).rejects.toMatchObject({ code: '23514' });
  });

  it('reads every run of an exercise’s incidents, oldest first, with their log and notifications, and nothing else', async () => {
    const incidents = new IncidentRepository(db);
    const prefix = 'exercise-1a2b3c4d/';
    const a = opened(`${prefix}bin-fire:ward-p10`, true, 5);
    const b = opened(`${prefix}r1/bin-fire:ward-p10`, true, 2);
    const live = opened('bin-fire:ward-p10', false, 1);
    const other = opened('exercise-9f9f9f9f/bin-fire:ward-p10', true, 1);
    const all = [a, b, live, other];
    const saved = await incidents.saveIfUnchanged(
      new Map(all.map((x) => [x.record.id, x.record])),
      new Map(),
      all.map((x) => x.event),
    );
    expect(Array.isArray(saved)).toBe(true);
    await new IncidentNotificationRepository(db).claim({
      incidentId: a.record.id,
      level: 1,
      kind: 'escalation',
      recipients: ['supervisor'],
      channel: 'console',
      createdAt: at(65),
    });

    const found = await reports.incidentsWithPrefix(prefix);
    expect(found.map((i) => i.id)).toEqual([b.record.id, a.record.id]);
    expect(found[1]).toMatchObject({ key: a.record.key, exercise: true, openedAt: at(5), title: a.record.title });
    const events = await reports.eventsOf(found.map((i) => i.id));
    // In commit order (the save's: a, then b).
    expect(events.map((e) => [e.incidentId, e.type])).toEqual([
      [a.record.id, 'opened'],
      [b.record.id, 'opened'],
    ]);
    expect(events[0].seq).toBeLessThan(events[1].seq);
    expect(await reports.notificationsOf(found.map((i) => i.id))).toMatchObject([
      { incidentId: a.record.id, level: 1, recipients: ['supervisor'] },
    ]);
    expect(await reports.eventsOf([])).toEqual([]);
    expect(await reports.notificationsOf([])).toEqual([]);
  });
});
