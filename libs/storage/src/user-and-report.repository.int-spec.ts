import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import {
  FieldReportRepository,
  KpiRepository,
  UserRepository,
  type Database,
  type FieldReportRecord,
} from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-21T03:00:00.000Z');
const report = (min: number, over: Partial<FieldReportRecord> = {}): FieldReportRecord => ({
  id: randomUUID(),
  reportedAt: new Date(T0 + min * 60_000),
  channel: 'report-api',
  category: 'flooding',
  lat: 9.6,
  lon: 105.97,
  text: `nước ngập ${min}`,
  photoRef: null,
  reportedBy: randomUUID(),
  wardId: 'ward-p3',
  ...over,
});

describe.each(STORAGE_PATHS)('users, field reports and KPI reads (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;

  beforeAll(async () => {
    opened = await openTestDatabase(path, 4);
    db = opened.db;
  });

  afterAll(() => opened?.close());

  it('stores users once per username and refuses unknown roles and odd usernames', async () => {
    const users = new UserRepository(db);
    const u = { username: 'operator9', displayName: 'Chín', role: 'operator', passwordHash: '$argon2id$x' };
    expect(await users.insertMissing([u, { ...u, username: 'admin9', role: 'admin' }])).toEqual([
      'operator9',
      'admin9',
    ]);
    expect(await users.insertMissing([{ ...u, displayName: 'other' }])).toEqual([]);
    const stored = await users.findByUsername('operator9');
    expect(stored).toMatchObject({ displayName: 'Chín', role: 'operator', disabled: false });
    expect(await users.findById(stored!.id)).toEqual(stored);
    expect(await users.findById('not-a-uuid')).toBeUndefined();
    // Several at once: the users among the ids, by id; `system` and unknown uuids are left out.
    expect(await users.findByIds([stored!.id, 'system', stored!.id, '00000000-0000-4000-8000-00000000abcd'])).toEqual(
      new Map([[stored!.id, stored]]),
    );
    expect(await users.findByIds([])).toEqual(new Map());
    expect(await users.count()).toBe(2);
    await expect(users.insertMissing([{ ...u, username: 'root9', role: 'root' }])).rejects.toMatchObject({
      code: '23514',
    });
    await expect(users.insertMissing([{ ...u, username: 'Bad Name' }])).rejects.toMatchObject({ code: '23514' });
  });

  it('creates and changes users, and never leaves the IOC without an active admin, even under concurrent changes', async () => {
    const users = new UserRepository(db);
    const base = { displayName: 'Mười', passwordHash: '$argon2id$y' };
    const made = await users.insert({ ...base, username: 'ops10', role: 'operator' });
    expect(made).toMatchObject({ username: 'ops10', role: 'operator', disabled: false });
    expect(await users.insert({ ...base, username: 'ops10', role: 'admin' })).toBe('taken');
    const id = (made as { id: string }).id;
    expect(await users.update(id, { role: 'supervisor', displayName: 'Mười Một' })).toMatchObject({
      role: 'supervisor',
      displayName: 'Mười Một',
      passwordHash: '$argon2id$y',
    });
    expect(made).toMatchObject({ tokensValidAfter: null });
    const validAfter = new Date('2026-11-22T02:00:00.000Z');
    expect(
      await users.update(id, { passwordHash: '$argon2id$z', disabled: true, tokensValidAfter: validAfter }),
    ).toMatchObject({ role: 'supervisor', disabled: true, passwordHash: '$argon2id$z', tokensValidAfter: validAfter });
    expect(await users.update('00000000-0000-4000-8000-00000000abcd', { disabled: true })).toBe('not-found');
    expect(await users.update('not-a-uuid', { disabled: true })).toBe('not-found');
    await expect(users.update(id, { role: 'root' })).rejects.toMatchObject({ code: '23514' });
    // The connection that failed is usable again (released broken or clean).
    expect(await users.update(id, { disabled: false })).toMatchObject({ disabled: false });

    // admin9 (first test) is the only active admin; a second one, then both try to disable each other at once.
    const admin9 = (await users.findByUsername('admin9'))!;
    expect(await users.update(admin9.id, { disabled: true })).toBe('last-admin');
    expect(await users.update(admin9.id, { role: 'operator' })).toBe('last-admin');
    expect(await users.findById(admin9.id)).toMatchObject({ role: 'admin', disabled: false });
    const admin10 = (await users.insert({ ...base, username: 'admin10', role: 'admin' })) as { id: string };
    const outcomes = await Promise.all([
      users.update(admin9.id, { disabled: true }),
      users.update(admin10.id, { disabled: true }),
    ]);
    expect(outcomes.filter((o) => o === 'last-admin')).toHaveLength(1);
    expect((await users.list()).filter((u) => u.role === 'admin' && !u.disabled)).toHaveLength(1);
  });

  it('stores field reports and reads them newest first, by category, and in time order for replay', async () => {
    const reports = new FieldReportRepository(db);
    const a = report(0);
    const b = report(5, { category: 'dumping', photoRef: 'photos/b.jpg' });
    const c = report(10);
    for (const r of [b, c, a]) await reports.insert(r);
    expect((await reports.list({ limit: 10 })).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(await reports.list({ limit: 10, category: 'dumping' })).toEqual([b]);
    expect(
      (await reports.list({ limit: 10, before: { reportedAt: c.reportedAt, id: c.id } })).map((r) => r.id),
    ).toEqual([b.id, a.id]);
    expect((await reports.range(new Date(T0), new Date(T0 + 10 * 60_000))).map((r) => r.id)).toEqual([a.id, b.id]);
    expect(await reports.findById(b.id)).toEqual(b);
    await expect(reports.insert(report(1, { lat: 95 }))).rejects.toMatchObject({ code: '23514' });
  });

  it('reads active incidents, response times and pick-ups for the KPIs', async () => {
    const kpis = new KpiRepository(db);
    const insert = (
      type: string,
      state: string,
      openedMin: number,
      ackMin: number | null,
      resolvedMin: number | null,
      exercise = false,
    ) =>
      db.pool.query(
        `INSERT INTO incident (id, dedup_key, type, rule_id, zone_kind, zone_id, severity, state, exercise, title, opened_at, acknowledged_at, resolved_at, closed_at, version)
         VALUES ($1, $2, $3, 'r', 'ward', 'ward-p1', 'major', $4, $5, '{}', $6, $7, $8, $9, 1)`,
        [
          randomUUID(),
          randomUUID(),
          type,
          state,
          exercise,
          new Date(T0 + openedMin * 60_000),
          ackMin === null ? null : new Date(T0 + ackMin * 60_000),
          resolvedMin === null ? null : new Date(T0 + resolvedMin * 60_000),
          state === 'closed' ? new Date(T0 + 99 * 60_000) : null,
        ],
      );
    await insert('urban-flooding', 'open', 0, null, null);
    await insert('urban-flooding', 'acknowledged', 0, 2, null);
    await insert('bin-fire', 'resolved', 0, 4, 30);
    await insert('bin-fire', 'closed', 0, null, 10);
    await insert('bin-fire', 'open', 0, 1, null, true); // an exercise never counts
    expect(await kpis.activeIncidents()).toEqual([{ type: 'urban-flooding', severity: 'major', count: 2 }]);
    expect(await kpis.responseTimes(new Date(T0), new Date(T0 + 60_000))).toEqual({
      opened: 4,
      acknowledged: 2,
      mttaMs: 3 * 60_000,
      resolved: 2,
      mttrMs: 20 * 60_000,
    });
    expect(await kpis.firstCollectionReport(['truck-01'])).toBeNull();
    await db.pool.query(
      `INSERT INTO waste_reading (time, device_id, kind, bin_id, route_id) VALUES ($1, 'truck-01', 'truck-pickup', 'bin-p1-0001', 'R-P1-01'), ($2, 'bin-p1-0001', 'bin-fill', NULL, NULL)`,
      [new Date(T0), new Date(T0 - 60_000)],
    );
    // A bin's own report says nothing about collection: the first truck report does.
    expect(await kpis.firstCollectionReport(['truck-01', 'truck-02'])).toEqual(new Date(T0));
    expect(await kpis.firstCollectionReport(['truck-02'])).toBeNull();
    expect(await kpis.firstCollectionReport([])).toBeNull();
    expect(await kpis.pickups(new Date(T0), new Date(T0 + 1))).toEqual([{ binId: 'bin-p1-0001', at: new Date(T0) }]);
  });
});
