import { buildTopology, loadCity } from '@ioc/city';
import { loadRules } from '@ioc/correlation';
import type { IncidentSignal } from '@ioc/domain';
import { scaledClock } from '@ioc/platform';
import { IncidentService, loadSopCatalog } from '@ioc/incidents';
import { IncidentRepository, SignalDeadLetterRepository, type Database } from '@ioc/storage';
import { testLogger, openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import { CorrelationService } from './correlation.service';
import { binReading } from './testing/bin-reading';

jest.setTimeout(120_000);

const T0 = Date.parse('2027-02-04T12:00:00.000Z');
const BINS = ['bin-p1-0001', 'bin-p2-0001', 'bin-p3-0001'];

describe.each(STORAGE_PATHS)('the correlate role on %s', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;

  beforeAll(async () => {
    opened = await openTestDatabase(path);
    db = opened.db;
  });

  afterAll(() => opened?.close());

  it('sets aside a signal the database refuses for good, stores it whole, and applies the ones behind it', async () => {
    let now = T0;
    const clock = scaledClock({ startMs: 0, speed: 1, anchorMs: 0 }, () => now);
    const repo = new IncidentRepository(db);
    const incidents = new IncidentService(
      repo,
      loadSopCatalog(),
      clock,
      { reopenWindowMs: 1_800_000, autoCloseAfterMs: 86_400_000 },
      testLogger,
    );
    const deadLetters = new SignalDeadLetterRepository(db);
    // The first bin's raise carries a NUL in its title, which PostgreSQL refuses in text however often it is sent.
    const poisoned = (s: IncidentSignal): IncidentSignal =>
      s.op === 'raise' && s.evidence[0]?.deviceId === BINS[0]
        ? { ...s, title: { vi: 'cháy\u0000', en: 'fire\u0000' } }
        : s;
    const service = new CorrelationService(
      {
        rules: loadRules(),
        topology: buildTopology(loadCity()),
        allowedLatenessMs: 2_000,
        tickMs: 1_000_000,
        recoveryMs: 0,
        retryMaxMs: 50,
      },
      {
        applySignal: (s) => incidents.applySignal(poisoned(s)),
        changed: async () => undefined,
        history: async function* () {},
        deadLettered: (letter) => deadLetters.add({ ...letter, failedAt: new Date(letter.at) }),
      },
      clock,
      testLogger,
    );
    await service.start();
    service.accept(BINS.map((d, i) => binReading(`m-${i}`, T0 + 1_000 + i * 100, 95, d)));
    now += 4_000;
    const fires = service.tick().filter((s) => s.key.startsWith('bin-fire'));
    expect(fires).toHaveLength(3);
    await service.settled();

    expect(await repo.findActiveByKey(fires[0].key)).toBeUndefined();
    for (const s of fires.slice(1))
      expect(await repo.findActiveByKey(s.key)).toMatchObject({ key: s.key, state: 'open' });
    const [stored] = await deadLetters.recent(10);
    expect(stored).toMatchObject({
      key: fires[0].key,
      op: 'raise',
      code: expect.stringMatching(/^22/),
      deviceIds: [BINS[0]],
      signal: JSON.parse(JSON.stringify(fires[0])),
    });
    expect(service.status().deadLettered).toMatchObject({ count: 1, last: [{ key: fires[0].key, code: stored.code }] });
    await service.stop();
  });
});
