import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import {
  ExerciseRepository,
  ExerciseTraineeRepository,
  IncidentRepository,
  UserRepository,
  type Database,
  type RecordingRecord,
} from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-12-08T08:00:00.000Z');

describe.each(STORAGE_PATHS)('exercise trainees and their isolation (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;
  let trainees: ExerciseTraineeRepository;
  let incidents: IncidentRepository;
  const user: Record<string, string> = {};
  const exercise: Record<'a' | 'b', { id: string; keyPrefix: string }> = {} as never;
  const incidentOf: Record<string, string> = {};

  beforeAll(async () => {
    opened = await openTestDatabase(path, 3);
    db = opened.db;
    trainees = new ExerciseTraineeRepository(db);
    incidents = new IncidentRepository(db);
    const users = new UserRepository(db);
    for (const name of ['an', 'binh', 'chi']) {
      const u = await users.insert({
        username: name,
        displayName: name.toUpperCase(),
        role: 'operator',
        passwordHash: 'x',
      });
      if (u === 'taken') throw new Error('taken');
      user[name] = u.id;
    }
    const recordingId = randomUUID();
    await db.pool.query(
      `INSERT INTO exercise_recording (id, name, window_from, window_to, messages, created_by) VALUES ($1, 'r', $2, $3, 1, 'u-t')`,
      [recordingId, new Date(T0), new Date(T0 + 3_600_000)],
    );
    const repo = new ExerciseRepository(db);
    const recording = (await repo.findRecording(recordingId)) as RecordingRecord;
    for (const k of ['a', 'b'] as const) {
      const id = randomUUID();
      const keyPrefix = `exercise-${id.slice(0, 8)}/`;
      const e = await repo.start({ id, speed: 60, keyPrefix, startedBy: 'u-t', startedAt: new Date(T0) }, recording, 2);
      if (e === 'active') throw new Error('active');
      exercise[k] = { id, keyPrefix };
    }
    // One live incident and two of each exercise (the second run's under r1/), with a few events.
    const rows: Array<[string, string, boolean]> = [
      ['live', 'flood:ward-p2', false],
      ['a1', `${exercise.a.keyPrefix}flood:ward-p2`, true],
      ['a2', `${exercise.a.keyPrefix}r1/bin:site-1`, true],
      ['b1', `${exercise.b.keyPrefix}flood:ward-p2`, true],
    ];
    for (const [name, key, ex] of rows) {
      const id = randomUUID();
      incidentOf[name] = id;
      await db.pool.query(
        `INSERT INTO incident (id, dedup_key, type, rule_id, zone_kind, zone_id, severity, state, exercise, title, opened_at, version)
         VALUES ($1, $2, 'bin-fire', 'r', 'ward', 'ward-p2', 'major', 'open', $3, '{"vi":"-","en":"-"}', $4, 2)`,
        [id, key, ex, new Date(T0 + Object.keys(incidentOf).length * 1000)],
      );
      await db.pool.query(
        `INSERT INTO incident_event (incident_id, incident_version, type, at, actor, data) VALUES
           ($1, 1, 'opened', $2, 'system', '{}'), ($1, 2, 'acknowledged', $2, $3, '{}')`,
        [id, new Date(T0), user.an],
      );
    }
  });

  afterAll(() => opened?.close());

  it('replaces a group whole and lists it by team, with the names', async () => {
    await trainees.replace(exercise.a.id, [{ userId: user.chi, team: 'x' }], 'u-t', new Date(T0));
    const saved = await trainees.replace(
      exercise.a.id,
      [
        { userId: user.binh, team: 'ca-2' },
        { userId: user.an, team: 'ca-1' },
      ],
      'u-trainer',
      new Date(T0 + 60_000),
    );
    expect(saved).toEqual([
      {
        exerciseId: exercise.a.id,
        userId: user.an,
        username: 'an',
        displayName: 'AN',
        team: 'ca-1',
        assignedBy: 'u-trainer',
        assignedAt: new Date(T0 + 60_000),
      },
      expect.objectContaining({ userId: user.binh, team: 'ca-2' }),
    ]);
    await trainees.replace(exercise.b.id, [{ userId: user.chi, team: 'default' }], 'u-t', new Date(T0));
    expect((await trainees.list(exercise.b.id)).map((t) => t.username)).toEqual(['chi']);
    expect(await trainees.list('not-a-uuid')).toEqual([]);
  });

  it("gives a trainee their exercises' key prefixes, and the incident list only those exercises' incidents", async () => {
    expect(await trainees.assignmentsOf(user.an)).toEqual([
      { exerciseId: exercise.a.id, keyPrefix: exercise.a.keyPrefix },
    ]);
    expect(await trainees.assignmentsOf(user.chi)).toEqual([
      { exerciseId: exercise.b.id, keyPrefix: exercise.b.keyPrefix },
    ]);
    expect(await trainees.assignmentsOf(randomUUID())).toEqual([]);

    const ids = async (q: { exercise?: boolean; keyPrefixes?: string[] }) =>
      (await incidents.list({ limit: 50, ...q })).map((i) => i.id).sort();
    expect(await ids({ exercise: true, keyPrefixes: [exercise.a.keyPrefix] })).toEqual(
      [incidentOf.a1, incidentOf.a2].sort(),
    );
    expect(await ids({ exercise: true, keyPrefixes: [exercise.b.keyPrefix] })).toEqual([incidentOf.b1]);
    expect(await ids({ exercise: true, keyPrefixes: [] })).toEqual([]);
    expect(await ids({ exercise: true })).toHaveLength(3);
    // Live incidents are untouched by the filter.
    expect(await ids({})).toEqual([incidentOf.live]);
  });

  it("reads an exercise's incidents and their events, and which of a page's incidents are exercise ones", async () => {
    const list = await incidents.exerciseIncidents(exercise.a.keyPrefix);
    expect(list.map((i) => i.id)).toEqual([incidentOf.a1, incidentOf.a2]);
    const events = await incidents.eventsOf(list.map((i) => i.id));
    expect(events.map((e) => [e.incidentId, e.type, e.actor])).toEqual([
      [incidentOf.a1, 'opened', 'system'],
      [incidentOf.a1, 'acknowledged', user.an],
      [incidentOf.a2, 'opened', 'system'],
      [incidentOf.a2, 'acknowledged', user.an],
    ]);
    expect(await incidents.eventsOf([])).toEqual([]);
    const keys = await incidents.exerciseKeysOf([incidentOf.live, incidentOf.b1, incidentOf.b1]);
    expect([...keys]).toEqual([[incidentOf.b1, `${exercise.b.keyPrefix}flood:ward-p2`]]);
  });

  it('drops the group with its exercise, and refuses an unknown user', async () => {
    await expect(
      trainees.replace(exercise.a.id, [{ userId: randomUUID(), team: 't' }], 'u-t', new Date(T0)),
    ).rejects.toMatchObject({ code: '23503' });
    // The failed replace kept the group as it was.
    expect(await trainees.list(exercise.a.id)).toHaveLength(2);
    await db.pool.query('DELETE FROM exercise WHERE id = $1', [exercise.b.id]);
    expect(await trainees.assignmentsOf(user.chi)).toEqual([]);
  });
});
