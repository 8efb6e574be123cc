import { buildTopology, loadCity } from '@ioc/city';
import { loadRules } from '@ioc/correlation';
import {
  IngestRepository,
  ingestRepositoryOptionsFor,
  openDatabase,
  RawMessageRepository,
  type Database,
} from '@ioc/storage';
import { createPlainTestDatabase, testLogger, type PlainTestDatabase } from '@ioc/testing';
import { runBacktest } from './backtest.command';
import { binReading } from './testing/bin-reading';

const rules = loadRules();
const topology = buildTopology(loadCity());
const T0 = Date.parse('2027-02-04T12:00:00.000Z');
const MIN = 60_000;

describe('rules:backtest over stored history (plain PostgreSQL)', () => {
  let handle: PlainTestDatabase;
  let db: Database;
  let raw: RawMessageRepository;

  beforeAll(async () => {
    handle = await createPlainTestDatabase();
    db = await openDatabase({ url: handle.url, poolSize: 2, timescaledb: 'auto' }, testLogger);
    // Cool, then a fire at +1 h, cooling down again from +1 h 30.
    const temps = [28, 29, 30, 31, 95, 110, 40, 35, 30, 29, 28, 28, 28, 28, 28, 28];
    await new IngestRepository(db.pool, ingestRepositoryOptionsFor(db)).commit({
      accepted: temps.map((t, i) => binReading(`bt-${i}`, T0 + i * 15 * MIN, t)),
      quarantined: [],
      newDevices: [{ id: 'bin-p10-0041', type: 'bin', domain: 'waste' }],
    });
    raw = new RawMessageRepository(db);
  });
  afterAll(async () => {
    await db?.close();
    await handle?.drop();
  });

  const range = { from: new Date(T0), to: new Date(T0 + 4 * 3_600_000), maxEvents: 1_000 };

  it('shows what one rule would have raised, when, and when it cleared', async () => {
    const lines: string[] = [];
    const report = await runBacktest({ rules, topology, ruleIds: ['waste.bin-fire'], ...range }, raw, (l) =>
      lines.push(l),
    );
    expect(report.events).toBe(16);
    expect(report.incidents).toHaveLength(1);
    const [fire] = report.incidents;
    expect(fire).toMatchObject({
      type: 'bin-fire',
      ruleId: 'waste.bin-fire',
      zone: { kind: 'ward', id: 'ward-p10' },
      raisedAt: T0 + 60 * MIN,
      severity: 'major',
    });
    expect(fire.clearedAt).toBeGreaterThan(T0 + 90 * MIN);
    expect(lines[0]).toContain('reading 16 stored messages');
  });

  it('reports nothing for a rule the history does not trigger', async () => {
    const report = await runBacktest({ rules, topology, ruleIds: ['flood.urban-flooding'], ...range }, raw);
    expect(report.incidents).toEqual([]);
  });

  it('refuses an unknown rule, an empty range and a range larger than allowed, with coded errors', async () => {
    await expect(runBacktest({ rules, topology, ruleIds: ['no.such-rule'], ...range }, raw)).rejects.toMatchObject({
      code: 'USAGE_INVALID',
      message: expect.stringContaining('waste.bin-fire'),
    });
    await expect(runBacktest({ rules, topology, ruleIds: [], ...range, to: range.from }, raw)).rejects.toMatchObject({
      code: 'USAGE_INVALID',
    });
    await expect(runBacktest({ rules, topology, ruleIds: [], ...range, maxEvents: 10 }, raw)).rejects.toMatchObject({
      code: 'USAGE_INVALID',
    });
  });
});
