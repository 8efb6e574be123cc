/**
 * Injects compiled into a drill's engine input: each kind, merged with a simulated recording of the seeded city, raises
 * through the seeded rules the incident its rule should (and the recording alone does not), and the compiled input
 * is the same however the replay is sliced, so a replay of the same recording and injects decides the same.
 */
import { injectSeqOf, type ExerciseInject, type IncidentSignal, type LoggedInject } from '@ioc/domain';
import { buildTopology, loadCity, planConnections } from '@ioc/city';
import { loadScenario, Simulation } from '@ioc/devices';
import type { EngineEvent } from './event';
import { ExerciseReplay, type ExerciseTimeline, type NumberedSignal } from './exercise-replay';
import { InjectCompiler, injectMsgId, injectProblem, silencedDevices, type InjectContext } from './exercise-injects';
import { loadRules } from './rules.loader';
import { signalDigest } from './signal-digest';

const rules = loadRules();
const city = loadCity();
const topology = buildTopology(city);
const gatewayOf = planConnections(city.devices).gatewayOf;
const PREFIX = 'exercise-1a2b3c4d/';
const MIN = 60_000;

/** The first `hours` of a seeded scenario, simulated, as a recording's events. */
function record(name: string, hours: number) {
  const scenario = loadScenario(name);
  const to = scenario.startMs + hours * 3_600_000;
  const sim = new Simulation({ city, scenario, seed: 11 });
  const events: EngineEvent[] = [];
  for (let t = 0; t < hours * 3600;) {
    t = Math.min(hours * 3600, t + 600);
    for (const m of sim.advanceTo(t))
      events.push({
        deviceId: m.deviceId,
        msgId: String(m.body.msgId),
        kind: m.kind,
        ts: Date.parse(m.body.ts as string),
        body: m.body,
      });
  }
  return { from: scenario.startMs, to, events: events.filter((e) => e.ts < to).sort((a, b) => a.ts - b.ts) };
}

type Recording = ReturnType<typeof record>;

/**
 * Replays a recording with injects the way the runner does: at each step the injects logged by then are added, the
 * recording's events of the step compiled with them and pushed, and the replay advanced.
 */
function drill(rec: Recording, injects: readonly LoggedInject[], stepMs = 10 * MIN, addWhenDue = false) {
  const timeline: ExerciseTimeline = { from: rec.from, to: rec.to, speed: 60, startedAt: rec.from };
  const ctx: InjectContext = { topology, gatewayOf, to: rec.to };
  const replay = new ExerciseReplay(rules, topology, timeline, PREFIX, new Set(rec.events.map((e) => e.deviceId)));
  const compiler = new InjectCompiler(ctx, rec.from);
  const out: NumberedSignal[] = [];
  const input: EngineEvent[] = [];
  let i = 0;
  let added = 0;
  for (let t = rec.from; t < rec.to;) {
    t = Math.min(rec.to, t + stepMs);
    // Live, an inject is logged while the drill runs: it is seen at the first step after it was made.
    const due = addWhenDue ? injects.filter((l, k) => k >= added && l.at <= t + stepMs) : injects.slice(added);
    compiler.add(due);
    added += due.length;
    const batch: EngineEvent[] = [];
    while (i < rec.events.length && rec.events[i].ts <= t) batch.push(rec.events[i++]);
    const events = compiler.step(batch, t);
    input.push(...events);
    replay.push(events);
    out.push(...replay.advanceTo(t));
  }
  expect(replay.stats().late).toBe(0);
  return { signals: out, input };
}

const raises = (signals: readonly NumberedSignal[]) =>
  signals.map((s) => s.signal).filter((s): s is Extract<IncidentSignal, { op: 'raise' }> => s.op === 'raise');
const raised = (signals: readonly NumberedSignal[]) => new Set(raises(signals).map((s) => `${s.type}:${s.zone.id}`));
/** The raises of a drill with injects that the drill without them does not make. */
const newRaises = (base: readonly NumberedSignal[], withInjects: readonly NumberedSignal[]) => {
  const before = raised(base);
  return [...raised(withInjects)].filter((k) => !before.has(k)).sort();
};
const log = (at: number, ...injects: ExerciseInject[]): LoggedInject[] =>
  injects.map((inject, k) => ({ seq: k + 1, at, inject }));

describe('injects on a quiet day (the first 3 hours of normal-day)', () => {
  const rec = record('normal-day', 3);
  const base = drill(rec, []).signals;
  const T = rec.from + 30 * MIN;

  it('the recording alone raises nothing of what the injects raise', () => {
    expect(rec.events.length).toBeGreaterThan(5_000);
    expect([...raised(base)].filter((k) => /^(sensor|camera|device|zone|illegal)/.test(k))).toEqual([]);
  });

  it('a stuck sensor raises sensor-stuck in its catchment; its evidence names the inject', () => {
    const { signals, input } = drill(rec, log(T, { kind: 'sensor-stuck', deviceId: 'wl-p2-001' }));
    expect(newRaises(base, signals)).toEqual(['sensor-stuck:catch-trung-tam-bac']);
    const stuck = input.filter((e) => e.deviceId === 'wl-p2-001' && e.ts >= T);
    expect(new Set(stuck.map((e) => e.body.levelCm)).size).toBe(1);
    expect(stuck.every((e) => e.msgId === injectMsgId(1, 'sensor-stuck', e.ts))).toBe(true);
    const raise = raises(signals).find((s) => s.type === 'sensor-stuck')!;
    expect(raise.evidence.some((e) => injectSeqOf(e.msgId) === 1)).toBe(true);
  });

  it('a drifting sensor raises sensor-drift', () => {
    const { signals } = drill(rec, log(T, { kind: 'sensor-drift', deviceId: 'wl-p2-003', ratePerH: 12 }));
    expect(newRaises(base, signals)).toContain('sensor-drift:catch-trung-tam-bac');
  });

  it('a camera gone dark for an hour is found offline in its ward, then back', () => {
    const { signals } = drill(rec, log(T, { kind: 'camera-dark', deviceId: 'cam-ph-001', durationMin: 60 }));
    expect(newRaises(base, signals)).toEqual(['device-offline:ward-p2']);
    const raise = signals.find((s) => s.signal.op === 'raise' && s.signal.type === 'device-offline')!;
    expect(raise.drillAt).toBeGreaterThan(T + 6 * MIN);
    expect(raise.drillAt).toBeLessThan(T + 20 * MIN);
    const cleared = signals.find((s) => s.signal.op === 'clear' && s.signal.key === raise.signal.key);
    expect(cleared?.drillAt).toBeGreaterThan(T + 60 * MIN);
  });

  it('a tampered camera raises camera-tampered in its ward', () => {
    const { signals } = drill(rec, log(T, { kind: 'camera-tampered', deviceId: 'cam-thd-002', durationMin: 60 }));
    expect(newRaises(base, signals)).toEqual(['camera-tampered:ward-p2']);
  });

  it('a false detection raises the hotspot its detections claim, with the inject in its evidence', () => {
    const { signals } = drill(
      rec,
      log(T, { kind: 'false-detection', deviceId: 'cam-thd-002', eventType: 'illegal_dumping', count: 3 }),
    );
    expect(newRaises(base, signals)).toEqual(['illegal-dumping-hotspot:ward-p2']);
    const r = raises(signals).find((s) => s.type === 'illegal-dumping-hotspot')!;
    expect(r.evidence.map((e) => injectSeqOf(e.msgId))).toContain(1);
  });

  it('field reports at a point, and at a ward’s centre, reach the engine as reports', () => {
    const reports = [0, 1, 2].map((k): LoggedInject => ({
      seq: k + 1,
      at: T + k * MIN,
      inject: {
        kind: 'field-report',
        category: 'dumping',
        text: 'rác đổ trộm bên kênh',
        photoRef: `photos/${k}.jpg`,
        lat: 9.58768,
        lon: 105.97593,
      },
    }));
    const { signals } = drill(rec, reports);
    expect(newRaises(base, signals)).toEqual(['illegal-dumping-hotspot:ward-p10']);
    const { input } = drill(
      rec,
      log(T, { kind: 'field-report', category: 'flooding', text: 'ngập', photoRef: 'p.jpg', wardId: 'ward-p3' }),
    );
    const report = input.find((e) => e.kind === 'field-report')!;
    expect(report.msgId).toBe(injectMsgId(1, 'field-report', T));
    expect(topology.locate(Number(report.body.lat), Number(report.body.lon)).ward).toBe('ward-p3');
  });

  it('a ward power cut raises one zone outage in the ward, not device-offline alarms', () => {
    const { signals } = drill(rec, log(T, { kind: 'ward-power-cut', wardId: 'ward-p3', durationMin: 90 }));
    expect(newRaises(base, signals)).toEqual(['zone-outage:ward-p3']);
  });

  it('a gateway power cut silences the devices behind it: their ward notices', () => {
    const gw = gatewayOf.get('wl-p3-001')!;
    const behind = silencedDevices({ kind: 'gateway-power-cut', gatewayId: gw }, topology, gatewayOf);
    expect(behind).toContain('wl-p3-001');
    const { signals, input } = drill(rec, log(T, { kind: 'gateway-power-cut', gatewayId: gw, durationMin: 60 }));
    expect(input.some((e) => behind.includes(e.deviceId) && e.ts >= T && e.ts < T + 60 * MIN)).toBe(false);
    expect(newRaises(base, signals).filter((k) => k.endsWith(':ward-p3')).length).toBeGreaterThan(0);
  });

  it('compiles the same input, and decides the same, however the replay is sliced and whenever injects are logged', () => {
    const injects: LoggedInject[] = [
      { seq: 1, at: T, inject: { kind: 'sensor-stuck', deviceId: 'wl-p2-001', durationMin: 60 } },
      { seq: 2, at: T + 7 * MIN + 123, inject: { kind: 'camera-tampered', deviceId: 'cam-thd-002' } },
      { seq: 3, at: T + 40 * MIN, inject: { kind: 'ward-power-cut', wardId: 'ward-p3', durationMin: 30 } },
    ];
    const reference = drill(rec, injects);
    for (const [stepMs, due] of [
      [MIN / 4, true],
      [37 * MIN + 11, true],
      [3 * 3_600_000, false],
    ] as const) {
      const other = drill(rec, injects, stepMs, due);
      expect(other.input).toEqual(reference.input);
      expect(signalDigest(other.signals.map((s) => s.signal))).toBe(
        signalDigest(reference.signals.map((s) => s.signal)),
      );
    }
  });

  it('a device without power sends nothing, injected or recorded; a newer fault of a sensor replaces an older one', () => {
    const { input } = drill(rec, [
      { seq: 1, at: T, inject: { kind: 'camera-tampered', deviceId: 'cam-thd-002' } },
      { seq: 2, at: T + 20 * MIN, inject: { kind: 'ward-power-cut', wardId: 'ward-p2', durationMin: 30 } },
      { seq: 3, at: T, inject: { kind: 'sensor-stuck', deviceId: 'wl-p2-001' } },
      { seq: 4, at: T + 60 * MIN, inject: { kind: 'sensor-drift', deviceId: 'wl-p2-001', ratePerH: 6 } },
    ]);
    const cam = input.filter((e) => e.deviceId === 'cam-thd-002' && e.ts >= T);
    expect(cam.filter((e) => e.ts >= T + 20 * MIN && e.ts < T + 50 * MIN)).toEqual([]);
    const health = cam.filter((e) => e.kind === 'camera-health');
    expect(health.filter((e) => e.ts < T + 20 * MIN).map((e) => e.body.tampered)).toEqual([true, true, true, true]);
    expect(health.some((e) => e.ts >= T + 50 * MIN && e.body.tampered === true)).toBe(true);
    const wl = input.filter((e) => e.deviceId === 'wl-p2-001' && e.kind === 'water-level' && e.ts >= T);
    expect(wl.filter((e) => e.ts >= T + 20 * MIN && e.ts < T + 50 * MIN)).toEqual([]);
    expect(wl.filter((e) => e.ts >= T + 60 * MIN).map((e) => injectSeqOf(e.msgId))).toEqual(
      wl.filter((e) => e.ts >= T + 60 * MIN).map(() => 4),
    );
  });

  it('refuses an inject behind what it has compiled', () => {
    const c = new InjectCompiler({ topology, gatewayOf, to: rec.to }, rec.from);
    c.step([], T);
    expect(() => c.add(log(T, { kind: 'camera-dark', deviceId: 'cam-ph-001' }))).toThrow(/behind/);
  });
});

describe('failures that need the weather (the king tide of October, 10:00 to 14:00)', () => {
  const rec = record('king-tide-rain-october', 4);
  const base = drill(rec, []).signals;
  const T = rec.from + 60 * MIN;

  it('a pump failure raises pump-failure in its catchment while the river blocks its outfall', () => {
    const { signals } = drill(rec, log(T, { kind: 'pump-failure', deviceId: 'pump-p7-01', durationMin: 60 }));
    expect(newRaises(base, signals)).toEqual([`pump-failure:${topology.devices.get('pump-p7-01')!.catchment}`]);
  });

  it('a sluice-gate failure raises sluice-gate-failure in its catchment', () => {
    const gate = [...topology.devices.values()].find((d) => d.type === 'sluice-gate')!;
    const { signals } = drill(rec, log(T, { kind: 'sluice-gate-failure', deviceId: gate.id }));
    expect(newRaises(base, signals)).toEqual([`sluice-gate-failure:${gate.catchment}`]);
  });
});

describe('targets checked against the city', () => {
  it('names what is wrong with an unknown or mistyped target', () => {
    expect(injectProblem({ kind: 'camera-dark', deviceId: 'cam-nope' }, topology, gatewayOf)).toMatch(/no device/);
    expect(injectProblem({ kind: 'pump-failure', deviceId: 'wl-p2-001' }, topology, gatewayOf)).toMatch(/not a pump/);
    expect(injectProblem({ kind: 'ward-power-cut', wardId: 'ward-p99' }, topology, gatewayOf)).toMatch(/no ward/);
    expect(injectProblem({ kind: 'gateway-power-cut', gatewayId: 'gw-x' }, topology, gatewayOf)).toMatch(/no gateway/);
    expect(
      injectProblem(
        { kind: 'field-report', category: 'waste', text: 't', photoRef: 'p', lat: 10.9, lon: 106.9 },
        topology,
        gatewayOf,
      ),
    ).toMatch(/outside/);
    expect(injectProblem({ kind: 'sensor-drift', deviceId: 'wl-p2-003', ratePerH: 6 }, topology, gatewayOf)).toBe(
      undefined,
    );
  });
});
