import pino from 'pino';
import { loadRules, loadTopology } from '@ioc/correlation';
import type { DeviceMessage, IncidentSignal } from '@ioc/domain';
import type { IncidentChange } from '../incident.service';
import { CorrelationService, type CorrelationPorts } from './correlation.service';

const rules = loadRules();
const topology = loadTopology();
const T0 = Date.parse('2027-02-04T12:00:00.000Z');
/** The signals of the bin-fire incident (the other devices of the seed registry, silent here, raise offline ones). */
const fires = (signals: readonly IncidentSignal[]) => signals.filter((s) => s.key.startsWith('bin-fire'));

function binReading(msgId: string, ts: number, temperatureC: number): DeviceMessage {
  const body = { msgId, ts: new Date(ts).toISOString(), fillPct: 40, temperatureC, tiltDeg: 1 };
  return {
    deviceId: 'bin-p10-0041',
    msgId,
    kind: 'bin-fill',
    domain: 'waste',
    ts: new Date(ts),
    receivedAt: new Date(ts),
    topic: 'ioc/v1/waste/bin-p10-0041/bin-fill',
    body,
    bodyJson: JSON.stringify(body),
  };
}

function harness(history: DeviceMessage[] = [], opts: { failFirst?: number } = {}) {
  let now = T0;
  const applied: IncidentSignal[] = [];
  const fanned: IncidentChange[] = [];
  let failures = opts.failFirst ?? 0;
  const ports: CorrelationPorts = {
    applySignal: async (signal) => {
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
  };
  const clock = { now: () => new Date(now), nowMs: () => now };
  const service = new CorrelationService({ rules, topology, allowedLatenessMs: 2_000, tickMs: 1_000_000, recoveryMs: 3_600_000, retryMaxMs: 5 }, ports, clock, pino({ level: 'silent' }));
  return {
    service,
    applied,
    fanned,
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
    const h = harness([binReading('h-1', T0 - 3_000_000, 95), ...Array.from({ length: 50 }, (_, i) => binReading(`h-c${i}`, T0 - 2_900_000 + i * 60_000, 30))]);
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
});
