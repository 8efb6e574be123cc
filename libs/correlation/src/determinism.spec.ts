/**
 * Determinism: the same events give the same signal sequence (SHA-256 of its canonical JSON) whether they arrive
 * in order in one-minute batches, shuffled within the allowed lateness in batches of random sizes, or are replayed
 * from history by `backtest` (no lateness).
 */
import type { IncidentSignal } from '@ioc/domain';
import { buildTopology, loadCity } from '@ioc/city';
import { loadScenario, Simulation } from '@ioc/devices';
import { backtest } from './backtest';
import { CorrelationEngine } from './engine';
import type { EngineEvent } from './event';
import { loadRules } from './rules.loader';
import { signalDigest } from './signal-digest';

const LATENESS_MS = 5 * 60_000;
const rules = loadRules();
const city = loadCity();
const topology = buildTopology(city);
const scenario = loadScenario('king-tide-rain-october');
const endMs = scenario.startMs + scenario.durationS * 1000;

function events(): EngineEvent[] {
  const sim = new Simulation({ city, scenario, seed: 42 });
  const out: EngineEvent[] = [];
  for (let t = 0; t < sim.durationS;) {
    t = Math.min(sim.durationS, t + 600);
    for (const m of sim.advanceTo(t))
      out.push({
        deviceId: m.deviceId,
        msgId: String(m.body.msgId),
        kind: m.kind,
        ts: Date.parse(m.body.ts as string),
        body: m.body,
      });
  }
  return out;
}

/** mulberry32: a small seeded PRNG for the shuffles. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds events that arrive at `arrival[i]` in batches (sizes from `batch()`), the driver's clock at each batch's last arrival. */
function live(evs: readonly EngineEvent[], arrival: readonly number[], batch: () => number): IncidentSignal[] {
  const order = evs.map((_, i) => i).sort((a, b) => arrival[a] - arrival[b] || a - b);
  const engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: LATENESS_MS, startAt: scenario.startMs });
  const signals: IncidentSignal[] = [];
  for (let i = 0; i < order.length;) {
    const n = Math.max(1, batch());
    const slice = order.slice(i, i + n);
    i += n;
    engine.push(slice.map((k) => evs[k]));
    signals.push(...engine.advanceTo(arrival[slice[slice.length - 1]]));
  }
  signals.push(...engine.advanceTo(endMs + LATENESS_MS));
  expect(engine.stats().late).toBe(0);
  return signals;
}

describe('determinism', () => {
  const evs = events();
  const inOrder = live(
    evs,
    evs.map((e) => e.ts),
    () => 500,
  );

  it('the scenario raises incidents (so the comparison means something)', () => {
    expect(inOrder.filter((s) => s.op === 'raise').length).toBeGreaterThan(8);
  });

  it('shuffled arrival within the allowed lateness and random batch sizes give the identical signal hash', () => {
    const rnd = prng(7);
    const arrival = evs.map((e) => e.ts + Math.floor(rnd() * (LATENESS_MS - 1)));
    const shuffled = live(evs, arrival, () => Math.floor(rnd() * 3000));
    expect(signalDigest(shuffled)).toBe(signalDigest(inOrder));
    const single = live(evs, arrival, () => 1 + Math.floor(rnd() * 40));
    expect(signalDigest(single)).toBe(signalDigest(inOrder));
  });

  it('a replay of the same history (backtest, no lateness) gives the same signals as live', () => {
    const replay = backtest(rules, topology, [...evs].reverse(), { from: scenario.startMs, to: endMs });
    expect(signalDigest(replay.signals)).toBe(signalDigest(inOrder));
    expect(replay.incidents.map((i) => i.key)).toContain('urban-flooding:catch-trung-tam-bac');
  });

  it('duplicates and events later than the allowed lateness never change what was already decided', () => {
    const engine = new CorrelationEngine({
      rules,
      topology,
      allowedLatenessMs: LATENESS_MS,
      startAt: scenario.startMs,
    });
    const half = evs.filter((e) => e.ts < scenario.startMs + 5 * 3_600_000);
    engine.push(half);
    const first = engine.advanceTo(scenario.startMs + 5 * 3_600_000 + LATENESS_MS);
    // Resent: the last 1,000 are duplicates (each device's recent ids are remembered); of the first 500, those of
    // devices that have sent 32 messages since are simply far too late. Neither changes anything.
    engine.push([...half.slice(-1000), ...half.slice(0, 500)]);
    expect(engine.advanceTo(scenario.startMs + 5 * 3_600_000 + LATENESS_MS + 60_000)).toEqual([]);
    const st = engine.stats();
    expect(st.duplicates).toBeGreaterThanOrEqual(1000);
    expect(st.late).toBeGreaterThan(0);
    expect(st.duplicates + st.late).toBe(1500);
    expect(signalDigest(first)).toBe(signalDigest(inOrder.filter((s) => s.at <= scenario.startMs + 5 * 3_600_000)));
  });
});
