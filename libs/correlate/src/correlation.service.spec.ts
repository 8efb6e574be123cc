import pino from 'pino';
import { buildTopology, loadCity } from '@ioc/city';
import { loadRules, type Silence } from '@ioc/correlation';
import { scaledClock } from '@ioc/platform';
import type { DeviceMessage, FieldReport, IncidentSignal } from '@ioc/domain';
import { IncidentError, type IncidentChange } from '@ioc/incidents';
import { CorrelationService, type CorrelationPorts, type DeadLetter } from './correlation.service';
import { WITHDRAWN_REASON } from './early-firing';
import { binReading } from './testing/bin-reading';

const rules = loadRules();
const topology = buildTopology(loadCity());
const T0 = Date.parse('2027-02-04T12:00:00.000Z');
/** The signals of the bin-fire incident (the other devices of the seed registry, silent here, raise offline ones). */
const fires = (signals: readonly IncidentSignal[]) => signals.filter((s) => s.key.startsWith('bin-fire'));

function harness(
  history: DeviceMessage[] = [],
  opts: {
    failFirst?: number;
    /** The failure applying this signal meets, if any (before failFirst's). */
    failWith?: (signal: IncidentSignal) => unknown;
    sleep?: (ms: number) => Promise<void>;
    retryMaxMs?: number;
    reports?: FieldReport[];
    latenessMs?: number;
    realTime?: boolean;
    silences?: () => Silence[];
    early?: boolean;
  } = {},
) {
  let now = T0;
  const offset = opts.realTime ? T0 - Date.now() : 0;
  const applied: IncidentSignal[] = [];
  const fanned: IncidentChange[] = [];
  const attempts: IncidentSignal[] = [];
  const letters: DeadLetter[] = [];
  let failures = opts.failFirst ?? 0;
  const ports: CorrelationPorts = {
    applySignal: async (signal) => {
      attempts.push(signal);
      const failure = opts.failWith?.(signal);
      if (failure) throw failure;
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      }
      applied.push(signal);
      return { events: [], incidents: [] };
    },
    changed: async (change) => {
      fanned.push(change);
    },
    history: async function* (from, to) {
      yield history.filter((m) => m.ts >= from && m.ts < to);
    },
    ...(opts.silences && {
      silences: async (since: Date) => opts.silences!().filter((x) => x.endsAt > since.getTime()),
    }),
    reports: async (from, to) =>
      (opts.reports ?? []).filter((r) => r.reportedAt >= from.getTime() && r.reportedAt < to.getTime()),
    deadLettered: async (letter) => {
      letters.push(letter);
    },
  };
  const nowMs = () => (opts.realTime ? Date.now() + offset : now);
  const clock = scaledClock({ startMs: 0, speed: 1, anchorMs: 0 }, nowMs);
  const service = new CorrelationService(
    {
      rules,
      topology,
      allowedLatenessMs: opts.latenessMs ?? 2_000,
      tickMs: 1_000_000,
      recoveryMs: 3_600_000,
      retryMaxMs: opts.retryMaxMs ?? 5,
      earlyFiring: opts.early,
      sleep: opts.sleep,
    },
    ports,
    clock,
    pino({ level: 'silent' }),
  );
  return {
    service,
    applied,
    attempts,
    letters,
    fanned,
    clock,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CorrelationService (correlate role)', () => {
  it('rebuilds active alarms from stored history on start, then continues live without raising them twice', async () => {
    const h = harness([binReading('h-1', T0 - 600_000, 95)]);
    await h.service.start();
    expect(fires(h.applied).map((s) => s.op)).toEqual(['raise']);
    expect(h.service.status()).toMatchObject({ recovered: true, recoveredEvents: 1 });

    h.service.accept([binReading('l-1', T0 + 1_000, 110)]);
    h.advance(5_000);
    h.service.tick();
    await h.service.settled();
    expect(fires(h.applied).filter((s) => s.op === 'raise')).toHaveLength(1);
    await h.service.stop();
  });

  it('does not raise what history already cleared', async () => {
    const h = harness([
      binReading('h-1', T0 - 3_000_000, 95),
      ...Array.from({ length: 50 }, (_, i) => binReading(`h-c${i}`, T0 - 2_900_000 + i * 60_000, 30)),
    ]);
    await h.service.start();
    expect(fires(h.applied)).toEqual([]);
    await h.service.stop();
  });

  it('applies live signals in order, retrying a transient database failure without losing or repeating one', async () => {
    const h = harness([], { failFirst: 2 });
    await h.service.start();
    h.service.accept([binReading('l-1', T0 + 1_000, 95)]);
    h.advance(4_000);
    const decided = h.service.tick();
    expect(decided.map((s) => s.op)).toEqual(['raise']);
    await h.service.settled();
    expect(h.applied).toEqual(decided);
    expect(h.service.status()).toMatchObject({ appliedSignals: 1, failedAttempts: 2, queuedSignals: 0 });
    expect(h.fanned).toHaveLength(1);
    await h.service.stop();
  });

  describe('a signal that fails', () => {
    /** Three bins catch fire a tenth of a second apart: three raises, decided in one tick. */
    async function threeFires(h: ReturnType<typeof harness>) {
      await h.service.start();
      h.service.accept(
        ['bin-p1-0001', 'bin-p2-0001', 'bin-p3-0001'].map((d, i) => binReading(`f-${i}`, T0 + 1_000 + i * 100, 95, d)),
      );
      h.advance(4_000);
      const decided = fires(h.service.tick());
      expect(decided.map((s) => s.op)).toEqual(['raise', 'raise', 'raise']);
      return decided;
    }
    const firstFire = (s: IncidentSignal) => s.op === 'raise' && s.evidence[0]?.deviceId === 'bin-p1-0001';

    it('for a reason that would recur (a constraint) is set aside, counted, and the ones behind it still apply', async () => {
      const violation = Object.assign(new Error('new row violates check constraint "incident_severity_check"'), {
        code: '23514',
      });
      const h = harness([], { failWith: (s) => (firstFire(s) ? violation : undefined) });
      const decided = await threeFires(h);
      await h.service.settled();
      // Tried once, not again; the two behind it applied, in order.
      expect(fires(h.attempts)).toEqual(decided);
      expect(fires(h.applied)).toEqual(decided.slice(1));
      const letter = {
        key: decided[0].key,
        op: 'raise',
        code: '23514',
        message: violation.message,
        deviceIds: ['bin-p1-0001'],
        signal: decided[0],
        at: T0 + 4_000,
      };
      expect(h.letters).toEqual([letter]);
      expect(h.service.status()).toMatchObject({
        deadLettered: { count: 1, last: [letter] },
        queuedSignals: 0,
        failedAttempts: 1,
      });
      await h.service.stop();
    });

    it('with a refusal of the lifecycle (an IocError) is set aside under its code', async () => {
      const refusal = new IncidentError('INCIDENT_INVALID_COMMAND', 'a raise without a zone');
      const h = harness([], { failWith: (s) => (firstFire(s) ? refusal : undefined) });
      const decided = await threeFires(h);
      await h.service.settled();
      expect(fires(h.applied)).toEqual(decided.slice(1));
      expect(h.service.status().deadLettered).toMatchObject({
        count: 1,
        last: [{ key: decided[0].key, code: 'INCIDENT_INVALID_COMMAND' }],
      });
      await h.service.stop();
    });

    it('transiently is retried with capped backoff until the database is back, nothing behind it overtaking it', async () => {
      const waits: number[] = [];
      let down = 5;
      const dbDown = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const h = harness([], {
        retryMaxMs: 300,
        sleep: async (ms) => void waits.push(ms),
        failWith: (s) => (s.key.startsWith('bin-fire') && down-- > 0 ? dbDown : undefined),
      });
      const decided = await threeFires(h);
      await h.service.settled();
      expect(waits).toEqual([50, 100, 200, 300, 300]);
      // The first fire until the database takes it (six tries), then the others in order.
      expect(fires(h.attempts)).toEqual([...Array(6).fill(decided[0]), decided[1], decided[2]]);
      expect(fires(h.applied)).toEqual(decided);
      expect(h.service.status()).toMatchObject({ failedAttempts: 5, deadLettered: { count: 0, last: [] } });
      await h.service.stop();
    });

    it('transiently when the process stops ends the wait: not dead-lettered, left for the next start', async () => {
      const dbDown = new Error('Connection terminated unexpectedly');
      const h = harness([], {
        sleep: () => new Promise<void>(() => undefined),
        failWith: (s) => (s.key.startsWith('bin-fire') ? dbDown : undefined),
      });
      await threeFires(h);
      await new Promise((r) => setImmediate(r));
      await h.service.stop();
      expect(fires(h.applied)).toEqual([]);
      expect(h.service.status()).toMatchObject({ queuedSignals: 3, deadLettered: { count: 0 } });
      expect(h.letters).toEqual([]);
    });
  });

  it('holds readings that arrive during the recovery and applies them after it', async () => {
    const h = harness();
    h.service.accept([binReading('early-1', T0 - 500, 99)]);
    await h.service.start();
    // Its event time is within the allowed lateness of the start: applied once the watermark passes it.
    expect(fires(h.applied)).toEqual([]);
    h.advance(2_000);
    h.service.tick();
    await h.service.settled();
    expect(fires(h.applied).map((s) => s.op)).toEqual(['raise']);
    await h.service.stop();
  });

  describe('field reports', () => {
    // Three dumping reports within 300 m of a market camera (cam-cho-001) make an illegal-dumping hotspot.
    const report = (n: number, ts: number): FieldReport => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      reportedAt: ts,
      channel: 'report-api',
      category: 'dumping',
      lat: 9.60386,
      lon: 105.97495,
      text: `dumping ${n}`,
      photoRef: `p/${n}.jpg`,
    });
    const hotspots = (signals: readonly IncidentSignal[]) =>
      signals.filter((s) => s.key.startsWith('illegal-dumping-hotspot') && s.op === 'raise');

    it('takes reports live as evidence', async () => {
      const h = harness();
      await h.service.start();
      h.service.acceptReports([report(1, T0 + 1_000), report(2, T0 + 2_000), report(3, T0 + 3_000)]);
      h.advance(10_000);
      h.service.tick();
      await h.service.settled();
      const [raise] = hotspots(h.applied) as Array<Extract<IncidentSignal, { op: 'raise' }>>;
      expect(raise.evidence.at(-1)).toMatchObject({
        source: 'report',
        kind: 'field-report',
        deviceId: 'report-api',
        ref: 'p/3.jpg',
      });
      await h.service.stop();
    });

    it('replays stored reports with the history on start', async () => {
      const h = harness([binReading('h-1', T0 - 900_000, 30)], {
        reports: [report(1, T0 - 1_200_000), report(2, T0 - 600_000), report(3, T0 - 300_000)],
      });
      await h.service.start();
      expect(hotspots(h.applied)).toHaveLength(1);
      expect(h.service.status().recoveredEvents).toBe(4);
      await h.service.stop();
    });

    it('replays stored reports when there is no other history', async () => {
      const h = harness([], { reports: [report(1, T0 - 600_000), report(2, T0 - 500_000), report(3, T0 - 400_000)] });
      await h.service.start();
      expect(hotspots(h.applied)).toHaveLength(1);
      await h.service.stop();
    });
  });

  it('a wake-up that fires before the clock reads its time waits out the rest instead of leaving the reading to the next tick', async () => {
    jest.useFakeTimers();
    try {
      const h = harness([], { latenessMs: 40 });
      await h.service.start();
      h.service.accept([binReading('lag-1', h.clock.nowMs(), 95)]);
      // The timer comes due while the clock still reads 1 ms short of ts + lateness (a timer counts from the event
      // loop's cached time, which lags the clock by however long the callback that set it had run).
      h.advance(39);
      jest.advanceTimersByTime(40);
      await h.service.settled();
      expect(fires(h.applied)).toEqual([]);
      h.advance(1);
      jest.advanceTimersByTime(1);
      await h.service.settled();
      expect(fires(h.applied).map((s) => s.op)).toEqual(['raise']);
      await h.service.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('decides as soon as a reading passes the watermark, without waiting for the next tick', async () => {
    const h = harness([], { latenessMs: 40, realTime: true });
    await h.service.start();
    // Stamped with the service's own clock at the moment it arrives: on time however long start() took.
    h.service.accept([binReading('fast-1', h.clock.nowMs(), 95)]);
    const deadline = Date.now() + 10_000;
    while (fires(h.applied).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // The tick is 1,000 s here: only the wake-up at ts + lateness can have decided it.
    expect(fires(h.applied).map((s) => s.op)).toEqual(['raise']);
    await h.service.stop();
  });

  it('applies stored silences: a silenced key is not raised, and is once the silence is expired early', async () => {
    let stored: Silence[] = [
      {
        id: 'sil-1',
        matchers: { type: 'bin-fire', zoneId: 'ward-p10' },
        startsAt: T0 - 60_000,
        endsAt: T0 + 3_600_000,
      },
    ];
    const h = harness([], { silences: () => stored });
    await h.service.start();
    h.service.accept([binReading('s-1', T0 + 1_000, 95)]);
    h.advance(4_000);
    h.service.tick();
    await h.service.settled();
    expect(fires(h.applied)).toEqual([]);

    // Expired early by an operator: the stored end moves to now; the next reading of the key goes through.
    stored = [{ ...stored[0], endsAt: T0 + 4_000 }];
    await h.service.syncSilences();
    h.service.accept([binReading('s-2', T0 + 5_000, 96)]);
    h.advance(4_000);
    h.service.tick();
    await h.service.settled();
    expect(fires(h.applied).map((s) => s.op)).toEqual(['raise']);
    await h.service.stop();
  });

  describe('early firing', () => {
    const ops = (signals: readonly IncidentSignal[]) =>
      fires(signals).map((s) => (s.op === 'update' ? `update:${s.severity ?? '-'}` : s.op));

    it('raises a one-reading rule when the reading arrives, and the watermark confirms it', async () => {
      const h = harness([], { early: true });
      await h.service.start();
      h.service.accept([binReading('e-1', T0 - 5, 95)]);
      await h.service.settled();
      // No tick has run and the watermark (2 s behind) is far from the reading: only early firing can have raised it.
      expect(ops(h.applied)).toEqual(['raise']);
      const [early] = fires(h.applied) as Array<Extract<IncidentSignal, { op: 'raise' }>>;
      expect(early.evidence).toEqual([expect.objectContaining({ deviceId: 'bin-p10-0041', msgId: 'e-1', at: T0 - 5 })]);
      expect(early.absorbs).toBeUndefined();

      h.advance(3_000);
      h.service.tick();
      await h.service.settled();
      // The watermark engine's raise of the same key goes on as an update of the incident the early raise opened: a
      // second raise would reopen it if an operator had resolved it meanwhile.
      expect(ops(h.applied)).toEqual(['raise', 'update:major']);
      expect(fires(h.applied)[1]).toMatchObject({ evidence: [expect.objectContaining({ msgId: 'e-1', at: T0 - 5 })] });
      expect(h.service.status().early).toMatchObject({ raised: 1, confirmed: 1, withdrawn: 0, pending: 0 });
      await h.service.stop();
    });

    it('sends a severity rise early, and no second raise for a key already raised', async () => {
      const h = harness([binReading('h-1', T0 - 600_000, 95)], { early: true });
      await h.service.start();
      expect(ops(h.applied)).toEqual(['raise']);
      h.service.accept([binReading('e-2', T0 - 5, 130)]);
      await h.service.settled();
      expect(ops(h.applied)).toEqual(['raise', 'update:critical']);
      expect(h.service.status().early).toMatchObject({ raised: 0, updated: 1 });
      await h.service.stop();
    });

    it('withdraws an early raise the watermark engine does not make', async () => {
      const h = harness([], { early: true });
      await h.service.start();
      // One message id sent twice with different bodies: the hot one arrives first and fires early; in event-time
      // order the engine keeps one copy by its content, whatever the arrival order (the cool one), and raises nothing.
      h.service.accept([binReading('dup-1', T0 - 5, 95)]);
      h.service.accept([binReading('dup-1', T0 - 5, 30)]);
      await h.service.settled();
      expect(ops(h.applied)).toEqual(['raise']);
      h.advance(3_000);
      h.service.tick();
      await h.service.settled();
      expect(ops(h.applied)).toEqual(['raise', 'clear']);
      expect(fires(h.applied)[1]).toMatchObject({ op: 'clear', reason: WITHDRAWN_REASON });
      expect(h.service.status().early).toMatchObject({ raised: 1, confirmed: 0, withdrawn: 1 });
      await h.service.stop();
    });

    it('does not fire early on a reading that is already late for the watermark engine', async () => {
      const h = harness([], { early: true });
      await h.service.start();
      h.advance(10_000);
      h.service.tick();
      h.service.accept([binReading('old-1', T0 + 1_000, 95)]);
      await h.service.settled();
      expect(fires(h.applied)).toEqual([]);
      expect(h.service.status().engine.late).toBe(1);
      await h.service.stop();
    });

    it('holds an early raise the stored silences cover', async () => {
      const h = harness([], {
        early: true,
        silences: () => [
          { id: 'sil-e', matchers: { type: 'bin-fire' }, startsAt: T0 - 60_000, endsAt: T0 + 3_600_000 },
        ],
      });
      await h.service.start();
      h.service.accept([binReading('e-3', T0 - 5, 95)]);
      await h.service.settled();
      expect(fires(h.applied)).toEqual([]);
      await h.service.stop();
    });
  });
});
