/**
 * Scenario tests: every seeds/scenarios/*.json played through the simulator core (in process, test-only import of
 * devices/src) and the engine with all rules, compared with the scenario's expectedIncidents.
 *
 * Matching: an engine incident (a raise signal) matches an expected one when type and zone id are equal and it was
 * raised (`at`, event time) within [from, to]. Precision = matching raises / all raises; recall = expected incidents
 * matched by at least one raise / all expected. Both must be 1: every expected incident, nothing unexpected (a key
 * cleared and raised again inside the same expected window counts as matching, not as a false alarm).
 *
 * The engine is fed live-like: messages in delivery order, the driver's clock at the simulator's delivery time, an
 * allowed lateness of 2 minutes, and only what ingest accepts (no malformed payloads, no event time more than
 * 10 minutes ahead of arrival, as INGEST_MAX_FUTURE_SKEW_S).
 */
import type { IncidentSignal } from '@ioc/domain';
import { buildTopology, loadCity } from '@ioc/city';
import { loadScenario, scenarioNames, Simulation } from '@ioc/devices';
import { CorrelationEngine } from './engine';
import type { EngineEvent } from './event';
import { loadRules } from './rules.loader';

const city = loadCity();
const rules = loadRules();
const topology = buildTopology(city);
const LATENESS_MS = 120_000;
const MAX_FUTURE_MS = 600_000;
const summary: string[] = [];

function play(name: string): { signals: IncidentSignal[]; stats: ReturnType<CorrelationEngine['stats']> } {
  const sc = loadScenario(name);
  const sim = new Simulation({ city, scenario: sc, seed: 42 });
  const engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: LATENESS_MS, startAt: sc.startMs });
  const signals: IncidentSignal[] = [];
  for (let t = 60; t <= sim.durationS + LATENESS_MS / 1000; t += 60) {
    const events: EngineEvent[] = [];
    for (const m of sim.advanceTo(Math.min(t, sim.durationS))) {
      if (m.malformed) continue;
      const ts = Date.parse(m.body.ts as string);
      if (ts > sc.startMs + m.sendT * 1000 + MAX_FUTURE_MS) continue;
      events.push({ deviceId: m.deviceId, msgId: String(m.body.msgId), kind: m.kind, ts, body: m.body });
    }
    engine.push(events);
    signals.push(...engine.advanceTo(sc.startMs + t * 1000));
  }
  return { signals, stats: engine.stats() };
}

const local = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');

describe('scenarios against their ground truth', () => {
  afterAll(() => console.log(`correlation scenarios (precision, recall):\n${summary.join('\n')}`));

  it.each(scenarioNames())('%s: every expected incident raised in its window, nothing else', (name) => {
    const expected = loadScenario(name).file.expectedIncidents.map((x) => ({
      ...x,
      fromMs: Date.parse(x.from),
      toMs: Date.parse(x.to),
    }));
    const { signals, stats } = play(name);
    const raised = signals.filter((s): s is Extract<IncidentSignal, { op: 'raise' }> => s.op === 'raise');
    const matches = (r: (typeof raised)[number], x: (typeof expected)[number]) =>
      r.type === x.type && r.zone.id === x.zone && r.at >= x.fromMs && r.at <= x.toMs;
    const unexpected = raised.filter((r) => !expected.some((x) => matches(r, x)));
    const missed = expected.filter((x) => !raised.some((r) => matches(r, x)));
    const precision = raised.length ? (raised.length - unexpected.length) / raised.length : 1;
    const recall = expected.length ? (expected.length - missed.length) / expected.length : 1;
    summary.push(
      `  ${name}: ${stats.processed} events, ${raised.length} raised, ${expected.length} expected; precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}` +
        (stats.late || stats.duplicates ? ` (late ${stats.late}, duplicates ${stats.duplicates})` : ''),
    );
    expect(unexpected.map((r) => `${r.type} ${r.zone.id} at ${local(r.at)}`)).toEqual([]);
    expect(missed.map((x) => `${x.type} ${x.zone} ${x.from}..${x.to}`)).toEqual([]);
  });
});
