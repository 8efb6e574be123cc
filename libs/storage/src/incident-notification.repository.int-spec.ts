import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import { IncidentNotificationRepository, type Database, type NewIncidentNotification } from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-21T03:00:00.000Z');
const notification = (
  incidentId: string,
  level: number,
  over: Partial<NewIncidentNotification> = {},
): NewIncidentNotification => ({
  incidentId,
  level,
  kind: 'escalation',
  recipients: ['supervisor'],
  channel: 'console',
  createdAt: T0 + level * 60_000,
  ...over,
});

describe.each(STORAGE_PATHS)('IncidentNotificationRepository (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;
  let repo: IncidentNotificationRepository;

  beforeAll(async () => {
    opened = await openTestDatabase(path, 8);
    db = opened.db;
    repo = new IncidentNotificationRepository(db);
  });

  afterAll(() => opened?.close());

  it('claims each (incident, level) once; a second claim returns the first row unchanged', async () => {
    const incident = randomUUID();
    const first = await repo.claim(notification(incident, 1));
    expect(first.created).toBe(true);
    expect(first.notification).toMatchObject({
      incidentId: incident,
      level: 1,
      kind: 'escalation',
      recipients: ['supervisor'],
      createdAt: T0 + 60_000,
    });
    expect(first.notification.deliveredAt).toBeUndefined();

    const again = await repo.claim(
      notification(incident, 1, { recipients: ['duty-manager'], createdAt: T0 + 999_000 }),
    );
    expect(again).toEqual({ notification: first.notification, created: false });
    expect(await repo.lastLevel(incident)).toBe(1);
    expect(await repo.lastLevel(randomUUID())).toBe(0);
  });

  it('records the delivery once and lists pending notifications', async () => {
    const incident = randomUUID();
    const { notification: n } = await repo.claim(notification(incident, 1));
    await repo.claim(notification(incident, 2, { kind: 'reminder', recipients: ['supervisor', 'duty-manager'] }));
    expect((await repo.listPending(1000)).map((p) => p.id)).toContain(n.id);

    expect(await repo.markDelivered(n.id, T0 + 61_000)).toBe(true);
    expect(await repo.markDelivered(n.id, T0 + 99_000)).toBe(false);
    const listed = await repo.listForIncident(incident);
    expect(listed.map((x) => [x.level, x.kind, x.deliveredAt])).toEqual([
      [1, 'escalation', T0 + 61_000],
      [2, 'reminder', undefined],
    ]);
    expect(listed[1].recipients).toEqual(['supervisor', 'duty-manager']);
    expect((await repo.listPending(1000)).map((p) => p.id)).not.toContain(n.id);
  });

  it('lets exactly one of many concurrent claims of one level create the row', async () => {
    const incident = randomUUID();
    const claims = await Promise.all(Array.from({ length: 12 }, () => repo.claim(notification(incident, 3))));
    expect(claims.filter((c) => c.created)).toHaveLength(1);
    expect(new Set(claims.map((c) => c.notification.id)).size).toBe(1);
    expect(await repo.listForIncident(incident)).toHaveLength(1);
  });

  it('refuses invalid rows', async () => {
    await expect(repo.claim(notification(randomUUID(), 0))).rejects.toMatchObject({ code: '23514' });
    await expect(repo.claim(notification(randomUUID(), 1, { recipients: [] }))).rejects.toMatchObject({
      code: '23514',
    });
  });
});
