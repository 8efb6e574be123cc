import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import type { IncidentSignal } from '@ioc/domain';
import { SignalDeadLetterRepository, type Database } from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-12-10T03:00:00.000Z');

describe.each(STORAGE_PATHS)('signal dead letters (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;

  beforeAll(async () => {
    opened = await openTestDatabase(path);
    db = opened.db;
  });

  afterAll(() => opened?.close());

  it('keeps a set-aside signal whole, with why, the latest first', async () => {
    const repo = new SignalDeadLetterRepository(db);
    const update: IncidentSignal = {
      op: 'update',
      key: 'bin-fire:bin-p10-0041',
      at: T0,
      severity: 'critical',
      evidence: [
        {
          at: T0,
          source: 'sensor',
          deviceId: 'bin-p10-0041',
          msgId: 'm-1',
          kind: 'bin-fill',
          summary: 'bin-p10-0041 130 °C',
        },
      ],
    };
    const clear: IncidentSignal = { op: 'clear', key: 'zone-outage:ward-p2', at: T0 + 1_000, reason: 'devices back' };
    await repo.add({
      failedAt: new Date(T0),
      key: update.key,
      op: 'update',
      code: '23514',
      message: 'violates check constraint',
      deviceIds: ['bin-p10-0041'],
      signal: update,
    });
    await repo.add({
      failedAt: new Date(T0 + 1_000),
      key: clear.key,
      op: 'clear',
      code: 'INCIDENT_INVALID_COMMAND',
      message: 'refused',
      deviceIds: [],
      signal: clear,
    });
    const [latest, first] = await repo.recent(2);
    expect(latest).toMatchObject({
      key: clear.key,
      op: 'clear',
      code: 'INCIDENT_INVALID_COMMAND',
      deviceIds: [],
      signal: clear,
      failedAt: new Date(T0 + 1_000),
    });
    expect(first).toMatchObject({
      key: update.key,
      op: 'update',
      code: '23514',
      message: 'violates check constraint',
      deviceIds: ['bin-p10-0041'],
      signal: update,
    });
    expect(BigInt(latest.id)).toBeGreaterThan(BigInt(first.id));
  });
});
