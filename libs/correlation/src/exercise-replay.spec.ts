/**
 * Exercise replays: a recording (here the October king-tide scenario, simulated) replayed through the engine gives the
 * same numbered decisions however the runner slices it into steps, so a replay started again after a worker died
 * reaches the same decisions and can skip those already applied; and the decisions come out under the exercise's key
 * prefix and on its clock.
 */
import type { IncidentSignal } from '@ioc/domain';
import { buildTopology, loadCity } from '@ioc/city';
import { loadScenario, Simulation } from '@ioc/devices';
import { backtest } from './backtest';
import type { EngineEvent } from './event';
import {
  ExerciseReplay,
  exerciseSignal,
  exerciseTimeOf,
  replayedTo,
  type ExerciseTimeline,
  type NumberedSignal,
} from './exercise-replay';
import { loadRules } from './rules.loader';
import { signalDigest } from './signal-digest';
import { at, binFill, every, fieldReport, raises, T0, traffic } from './testing/factories';

const rules = loadRules();
const city = loadCity();
const topology = buildTopology(city);
const scenario = loadScenario('king-tide-rain-october');
/** The first six hours of the scenario: enough for its flood incidents to open, grow and clear. */
const HOURS = 6;
const timeline: ExerciseTimeline = {
  from: scenario.startMs,
  to: scenario.startMs + HOURS * 3_600_000,
  speed: 60,
  startedAt: Date.parse('2026-11-22T09:00:00+07:00'),
};
const PREFIX = 'exercise-0a1b2c3d/';

const recording: EngineEvent[] = (() => {
  const sim = new Simulation({ city, scenario, seed: 7 });
  const out: EngineEvent[] = [];
  for (let t = 0; t < HOURS * 3600;) {
    t = Math.min(HOURS * 3600, t + 600);
    for (const m of sim.advanceTo(t))
      out.push({
        deviceId: m.deviceId,
        msgId: String(m.body.msgId),
        kind: m.kind,
        ts: Date.parse(m.body.ts as string),
        body: m.body,
      });
  }
  return out.filter((e) => e.ts < timeline.to).sort((a, b) => a.ts - b.ts);
})();
const recorded = new Set(recording.map((e) => e.deviceId));

/** Runs a replay the way the runner does: at each step, push what the recording holds up to the target, then advance. */
function replay(steps: readonly number[], skip = 0): NumberedSignal[] {
  const r = new ExerciseReplay(rules, topology, timeline, PREFIX, recorded);
  const out: NumberedSignal[] = [];
  let i = 0;
  for (const target of steps) {
    const batch: EngineEvent[] = [];
    while (i < recording.length && recording[i].ts <= target) batch.push(recording[i++]);
    r.push(batch);
    out.push(...r.advanceTo(target).filter((s) => s.n >= skip));
  }
  expect(r.finished).toBe(true);
  expect(r.stats().late).toBe(0);
  return out;
}

/** Targets from `from` to `to` in steps of `stepMs`, or of sizes from `size()`. */
function steps(size: () => number): number[] {
  const out: number[] = [];
  for (let t = timeline.from; t < timeline.to;) {
    t = Math.min(timeline.to, t + size());
    out.push(t);
  }
  return out;
}

const digest = (xs: readonly NumberedSignal[]) => signalDigest(xs.map((x) => x.signal));

describe('ExerciseReplay', () => {
  const tick = steps(() => 250 * timeline.speed);
  const reference = replay(tick);

  it('raises incidents from the recording, numbered in order', () => {
    expect(recording.length).toBeGreaterThan(10_000);
    expect(reference.filter((s) => s.signal.op === 'raise').length).toBeGreaterThan(0);
    expect(reference.map((s) => s.n)).toEqual(reference.map((_, i) => i));
  });

  it('makes the same decisions however the replay is sliced (a tick of 250 ms at ×60, ragged steps, one step)', () => {
    let seed = 3;
    const ragged = () => ((seed = (seed * 16807) % 2147483647) % 900_000) + 1;
    expect(digest(replay(steps(ragged)))).toBe(digest(reference));
    expect(digest(replay([timeline.to]))).toBe(digest(reference));
  });

  it('makes the live engine’s decisions over the same history (as the backtest replays it), under its prefix and clock', () => {
    const live = backtest(rules, topology, recording, { from: timeline.from, to: timeline.to }).signals;
    expect(reference.map((s) => s.signal)).toEqual(live.map((s) => exerciseSignal(s, PREFIX, timeline)));
  });

  it('started again from the recording’s beginning, goes on exactly where the checkpoint left it', () => {
    const applied = Math.floor(reference.length / 2);
    const resumed = replay(
      steps(() => 3_600_000),
      applied,
    );
    expect(resumed.map((s) => s.n)).toEqual(reference.slice(applied).map((s) => s.n));
    expect(digest(resumed)).toBe(digest(reference.slice(applied)));
  });
});

describe('absence in the drill: judged only for the devices the recording holds', () => {
  const drill: ExerciseTimeline = {
    from: T0,
    to: at(120),
    speed: 60,
    startedAt: Date.parse('2026-11-22T09:00:00+07:00'),
  };
  const run = (events: readonly EngineEvent[], untilMin = 120) => {
    const r = new ExerciseReplay(rules, topology, drill, PREFIX, new Set(events.map((e) => e.deviceId)));
    r.push([...events].sort((a, b) => a.ts - b.ts));
    return r.advanceTo(at(untilMin)).map((s) => s.signal);
  };
  const types = (signals: readonly IncidentSignal[]) =>
    [...new Set(raises(signals).map((s) => `${s.type}:${s.zone.id}`))].sort();

  it('a recording of one bin’s fire raises the fire and nothing else, though the rest of the city is silent', () => {
    // 40 minutes: within the bin's own silence limit (45).
    const fire = [binFill('bin-p10-0041', 1, 40, 95), binFill('bin-p10-0041', 3, 40, 135)];
    expect(types(run(fire, 40))).toEqual(['bin-fire:ward-p10']);
    // The whole city's engine over the same two messages finds every ward out (what the drill used to show).
    const whole = backtest(rules, topology, fire, { from: drill.from, to: at(40) }).signals;
    expect(types(whole).filter((t) => t.startsWith('zone-outage:')).length).toBeGreaterThanOrEqual(5);
  });

  it('only absence is narrowed: reports of dumping count at their nearest camera, though the recording holds none of its messages', () => {
    const reports = [1, 2, 3].map((m) => fieldReport(m, 'dumping', 9.58768, 105.97593));
    expect(types(run(reports, 40))).toEqual(['illegal-dumping-hotspot:ward-p10']);
  });

  it('a recorded device that falls silent in the drill is found offline, and the devices that kept reporting are not', () => {
    const cams = ['cam-thd-005', 'cam-thd-006', 'cam-thd-007', 'cam-thd-008'];
    const events = [
      ...every(0, 120, 1, (m) => cams.slice(1).map((c) => traffic(c, m, 'free'))),
      ...every(0, 10, 1, (m) => traffic(cams[0], m, 'free')),
    ];
    const offline = raises(run(events)).filter((s) => s.type === 'device-offline');
    expect(offline.map((s) => s.zone.id)).toEqual(['ward-p10']);
    expect(offline[0].evidence.map((e) => e.deviceId)).toEqual([cams[0]]);
  });
});

describe('the exercise clock and keys', () => {
  it('runs event time `speed` times faster than the wall clock from the start, capped at the recording’s end', () => {
    const t: ExerciseTimeline = { from: 1_000_000, to: 1_000_000 + 3_600_000, speed: 60, startedAt: 5_000_000 };
    expect(replayedTo(t, 4_000_000)).toBe(t.from);
    expect(replayedTo(t, t.startedAt + 30_000)).toBe(t.from + 1_800_000);
    expect(replayedTo(t, t.startedAt + 3_600_000)).toBe(t.to);
    expect(exerciseTimeOf(t, t.from + 1_800_000)).toBe(t.startedAt + 30_000);
  });

  it('puts keys, absorbed keys and times of every signal on the exercise', () => {
    const t: ExerciseTimeline = { from: 0, to: 600_000, speed: 10, startedAt: 1_000_000 };
    const ev = {
      at: 100_000,
      source: 'sensor' as const,
      deviceId: 'wl-1',
      msgId: 'm1',
      kind: 'water-level',
      summary: 'wl-1 level 34 cm',
    };
    const raise: IncidentSignal = {
      op: 'raise',
      key: 'urban-flooding:catch-1',
      type: 'urban-flooding',
      ruleId: 'r',
      zone: { kind: 'catchment', id: 'catch-1' },
      severity: 'major',
      at: 200_000,
      evidence: [ev],
      title: { vi: 'Ngập', en: 'Flooding' },
      absorbs: ['traffic-congestion:road-1'],
    };
    expect(exerciseSignal(raise, 'exercise-1/', t)).toEqual({
      ...raise,
      key: 'exercise-1/urban-flooding:catch-1',
      at: 1_020_000,
      evidence: [{ ...ev, at: 1_010_000 }],
      absorbs: ['exercise-1/traffic-congestion:road-1'],
    });
    expect(exerciseSignal({ op: 'clear', key: 'k', at: 600_000, reason: 'level down' }, 'exercise-1/', t)).toEqual({
      op: 'clear',
      key: 'exercise-1/k',
      at: 1_060_000,
      reason: 'level down',
    });
    expect(exerciseSignal({ op: 'update', key: 'k', at: 0, evidence: [] }, 'exercise-1/', t)).toEqual({
      op: 'update',
      key: 'exercise-1/k',
      at: 1_000_000,
      evidence: [],
    });
  });
});
