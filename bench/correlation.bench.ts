import { buildTopology, loadCity } from '@ioc/city';
import { CorrelationEngine, loadRules, type EngineEvent } from '@ioc/correlation';
import { loadScenario, Simulation } from '../devices/src';

/**
 * npm run bench:correlation — the pure correlation engine on one core with every rule of seeds/rules loaded. Events
 * are generated first, in memory, by the deterministic simulator (BENCH_SCENARIO, default the king-tide storm, where
 * most rules have work to do; BENCH_DEVICES devices, default 10,000: the registry grown with clones, which the
 * engine's topology also knows), then fed in delivery order in one-minute batches (push, then advanceTo), as the
 * live correlate role does. Only the feeding is timed. Progress on stderr; one JSON line on stdout.
 */
const SCENARIO = process.env.BENCH_SCENARIO ?? 'king-tide-rain-october';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const LATENESS_MS = 120_000;

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:correlation] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

function main(): void {
  const scenario = loadScenario(SCENARIO);
  const city = loadCity();
  const sim = new Simulation({ city, scenario, seed: 42, devices: DEVICES });
  const topology = buildTopology({ ...city, devices: sim.devices.map((d) => d.site), routes: sim.routes });
  const rules = loadRules();
  log('generating events', { scenario: SCENARIO, devices: sim.devices.length, rules: rules.rules.length });
  const g0 = performance.now();
  const batches: Array<{ until: number; events: EngineEvent[] }> = [];
  let total = 0;
  for (let t = 60; t <= sim.durationS; t += 60) {
    const events: EngineEvent[] = [];
    for (const m of sim.advanceTo(t)) {
      if (m.malformed) continue;
      events.push({
        deviceId: m.deviceId,
        msgId: String(m.body.msgId),
        kind: m.kind,
        ts: Date.parse(m.body.ts as string),
        body: m.body,
      });
    }
    total += events.length;
    batches.push({ until: scenario.startMs + t * 1000, events });
  }
  batches.push({ until: scenario.startMs + sim.durationS * 1000 + LATENESS_MS, events: [] });
  log('generated', { events: total, seconds: Math.round(performance.now() - g0) / 1000 });

  const engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: LATENESS_MS, startAt: scenario.startMs });
  let raised = 0;
  let signals = 0;
  let fed = 0;
  let nextReport = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    batches[i] = { until: b.until, events: [] }; // let fed events go
    engine.push(b.events);
    fed += b.events.length;
    for (const s of engine.advanceTo(b.until)) {
      signals++;
      if (s.op === 'raise') raised++;
    }
    if (fed >= nextReport) {
      nextReport += 200_000;
      const sec = (performance.now() - t0) / 1000;
      log('feeding', {
        events: fed,
        eventsPerSec: Math.round(fed / sec),
        incidents: raised,
        simTime: new Date(b.until + 7 * 3_600_000).toISOString().slice(11, 16),
      });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const st = engine.stats();
  log('done', {
    seconds: Math.round(seconds * 1000) / 1000,
    signals,
    processed: st.processed,
    duplicates: st.duplicates,
    late: st.late,
    active: st.active,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  });
  process.stdout.write(
    `${JSON.stringify({ bench: 'correlation', events: total, eventsPerSec: Math.round(total / seconds), incidents: raised })}\n`,
  );
}

main();
