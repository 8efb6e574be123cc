import { createMessageValidators } from '@ioc/contracts';
import { loadCity, type City } from '@ioc/city';
import { loadScenario, scenarioNames } from '../scenario.loader';
import { StreamHash } from '../stream-hash';
import { stepCatchment } from './flood.model';
import { selectFleet } from './fleet';
import { createRng } from './rng';
import { resolveScenario, type Scenario, type ScenarioFile } from './scenario';
import { Simulation, type SimMessage } from './simulation';
import { parseTime } from './time';

const city: City = loadCity();
const validators = createMessageValidators();

function run(
  scenario: Scenario | string,
  opts: { seed?: number; devices?: number; untilS?: number } = {},
): { sim: Simulation; messages: SimMessage[] } {
  const sc = typeof scenario === 'string' ? loadScenario(scenario) : scenario;
  const sim = new Simulation({ city, scenario: sc, seed: opts.seed ?? 42, devices: opts.devices });
  const messages: SimMessage[] = [];
  const end = Math.min(opts.untilS ?? sim.durationS, sim.durationS);
  for (let t = 0; t < end;) {
    t = Math.min(end, t + 600);
    for (const m of sim.advanceTo(t)) messages.push(m);
  }
  return { sim, messages };
}
const hashOf = (ms: SimMessage[]) => {
  const h = new StreamHash();
  h.add(ms);
  return h.digest();
};
/** Simulated second of an RFC 3339 time in the scenario. */
const at = (sim: Simulation, text: string) => (parseTime(text) - sim.startMs) / 1000;
const tsOf = (m: SimMessage) => Date.parse(m.body.ts as string);

/**
 * The streams are pinned (message count and StreamHash, 250 devices, seed 42, whole scenario): a change of the
 * simulator's behaviour shows here and is made knowingly, with the new hashes in the commit that changes it and why.
 */
const PINNED_STREAMS: Record<string, string> = {
  'king-tide-rain-october': '30237 c6163695cff1b3190c8824ded048470f962b8a4d8ad70b028228d74710b53b4b',
  'normal-day': '71221 3b2e6881449eed4c45242b2ebffd810c0e8000abe470363666e68c32efc129d9',
  'ooc-om-boc-evening': '30546 4ef85e6e4b7eba1979b94e322cbda3d9b74161c7e0e9cb129f97a72f9206c6c3',
  'power-cut-p3': '22664 d79760c60d447d8ca7a5e3c733e2ed022ae49535d5cc944c90a73e0475dd20df',
  'sensor-faults': '18391 84b31efb2ff69ce7a0b82a78634e36a8e89153d361f9d891e6bb2fb61f04bb2c',
  'tet-waste-surge': '142417 7c5562dd858a740d4db3f5ad90f4e60a74b9a535f4c037f3df85542f639b5526',
};
const PINNED_NORMAL_DAY_3H = '57349 2b2fc28cc567367c610469473df7193a3342090801b4400799e12eb9d19df1f1';

describe('city seeds', () => {
  it('have the default fleet of the issue, with readable unique ids on the contract id pattern', () => {
    const count = (t: string) => city.devices.filter((d) => d.type === t).length;
    expect(count('camera')).toBe(120);
    expect(count('bin')).toBe(1500);
    expect(count('truck')).toBe(25);
    expect(count('water-level-sensor')).toBeGreaterThanOrEqual(55);
    expect(count('rain-gauge')).toBe(12);
    expect(count('tide-gauge')).toBe(3);
    expect(count('pump') + count('sluice-gate')).toBe(10);
    expect(new Set(city.devices.map((d) => d.id)).size).toBe(city.devices.length);
    for (const d of city.devices) expect(d.id).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
    expect(city.wards).toHaveLength(10);
    for (const w of city.wards) expect(w.codes.map((c) => c.scheme)).toEqual(['pre-2025', '2025']);
    expect(city.routes.flatMap((r) => r.binIds)).toHaveLength(1500);
  });

  it('every scenario file resolves and names its expected incidents inside its own time span', () => {
    const names = scenarioNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'normal-day',
        'king-tide-rain-october',
        'ooc-om-boc-evening',
        'tet-waste-surge',
        'power-cut-p3',
      ]),
    );
    for (const n of names) {
      const sc = loadScenario(n);
      for (const x of sc.file.expectedIncidents) {
        expect(parseTime(x.from)).toBeGreaterThanOrEqual(sc.startMs);
        expect(parseTime(x.from)).toBeLessThan(sc.startMs + sc.durationS * 1000);
        expect(parseTime(x.to)).toBeGreaterThan(parseTime(x.from));
      }
    }
  });

  it('a fleet can shrink proportionally or grow past the registry, deterministically', () => {
    const small = selectFleet(city.devices, city.routes, 200, createRng(1, 'fleet'));
    expect(new Set(small.devices.map((d) => d.type)).size).toBe(8);
    const big = selectFleet(city.devices, city.routes, 10_000, createRng(1, 'fleet'));
    expect(big.devices).toHaveLength(10_000);
    expect(new Set(big.devices.map((d) => d.id)).size).toBe(10_000);
    expect(selectFleet(city.devices, city.routes, 10_000, createRng(1, 'fleet')).devices).toEqual(big.devices);
  });
});

describe('determinism', () => {
  it('the same seed and scenario give the identical stream; another seed does not', () => {
    const a = run('normal-day', { untilS: 3 * 3600 });
    const b = run('normal-day', { untilS: 3 * 3600 });
    expect(a.messages.length).toBeGreaterThan(5_000);
    expect(hashOf(a.messages)).toBe(hashOf(b.messages));
    expect(`${a.messages.length} ${hashOf(a.messages)}`).toBe(PINNED_NORMAL_DAY_3H);
    expect(hashOf(run('normal-day', { untilS: 3 * 3600, seed: 43 }).messages)).not.toBe(hashOf(a.messages));
  });

  it('stepping in different chunks gives the same stream', () => {
    const sim = new Simulation({ city, scenario: loadScenario('sensor-faults'), seed: 7, devices: 300 });
    const chunks: SimMessage[] = [];
    for (let t = 0; t < 7200; t += 37) chunks.push(...sim.advanceTo(t + 37));
    const whole = new Simulation({ city, scenario: loadScenario('sensor-faults'), seed: 7, devices: 300 }).advanceTo(
      7200 + 37 * 0,
    );
    expect(hashOf(chunks.filter((m) => m.sendT <= 7200))).toBe(hashOf(whole));
  });
});

describe('conformance', () => {
  it.each(scenarioNames())(
    'every message of %s validates against the contract (and breaks it only when a fault says so); the stream is the pinned one',
    (name) => {
      const { messages } = run(name, { devices: 250 });
      expect(messages.length).toBeGreaterThan(100);
      // Plain checks in the loop (jest's expect costs microseconds each); one assertion on the collected problems.
      const seen = new Set<string>();
      const problems: string[] = [];
      for (const m of messages) {
        const ok = validators.kinds[m.kind](m.body);
        if (m.malformed) {
          if (ok && m.raw === undefined) problems.push(`${m.deviceId} malformed but valid: ${JSON.stringify(m.body)}`);
          continue;
        }
        if (!ok)
          problems.push(
            `${m.deviceId} ${m.kind} ${JSON.stringify(m.body)}: ${JSON.stringify(validators.kinds[m.kind].errors)}`,
          );
        if (!validators.gatewayEntry({ deviceId: m.deviceId, kind: m.kind, ...m.body }))
          problems.push(`${m.deviceId}: not a valid gateway entry`);
        if (!validators.kinds[m.kind]({ deviceId: m.deviceId, ...m.body }))
          problems.push(`${m.deviceId}: invalid with deviceId`);
        const key = `${m.deviceId}/${m.body.msgId}`;
        if (!m.duplicate) {
          if (seen.has(key)) problems.push(`${key}: msgId reused`);
          seen.add(key);
        }
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(`${messages.length} ${hashOf(messages)}`).toBe(PINNED_STREAMS[name]);
    },
  );
});

describe('plausibility', () => {
  it('water rises with rain and falls faster when pumps run', () => {
    const c = city.catchments.find((x) => x.id === 'catch-trung-tam-bac')!;
    let s = { waterMm: 0, depthCm: 0, pumpsRunning: 0 };
    for (let i = 0; i < 720; i++) s = stepCatchment(c, s, { rainMmH: 70, tideCm: 150, pumpMmH: 0, gate: 'closed' }, 10);
    expect(s.depthCm).toBeGreaterThan(20);
    let pumped = s;
    let idle = s;
    for (let i = 0; i < 360; i++) {
      pumped = stepCatchment(c, pumped, { rainMmH: 0, tideCm: 150, pumpMmH: 22, gate: 'closed' }, 10);
      idle = stepCatchment(c, idle, { rainMmH: 0, tideCm: 150, pumpMmH: 0, gate: 'closed' }, 10);
    }
    expect(pumped.depthCm).toBeLessThan(idle.depthCm - 5);
    expect(idle.depthCm).toBeLessThan(s.depthCm);
  });

  it('king tide + storm: the named catchments flood inside the stated windows, the tide watch and pump failure show', () => {
    const { sim, messages } = run('king-tide-rain-october');
    const sc = sim;
    const expected = loadScenario('king-tide-rain-october').file.expectedIncidents;
    for (const x of expected.filter((e) => e.type === 'urban-flooding')) {
      const levels = messages.filter(
        (m) => m.kind === 'water-level' && sim.device(m.deviceId)!.site.catchment === x.zone,
      );
      const inWindow = levels.filter((m) => m.t >= at(sc, x.from) && m.t <= at(sc, x.to));
      const warning = city.catchments.find((c) => c.id === x.zone)!.warningLevelCm;
      expect(inWindow.some((m) => (m.body.levelCm as number) > warning)).toBe(true);
      // Dry before the storm.
      expect(
        levels.filter((m) => m.t < at(sc, '2026-10-28T12:00:00+07:00')).every((m) => (m.body.levelCm as number) < 3),
      ).toBe(true);
    }
    const watch = expected.find((e) => e.type === 'king-tide-watch')!;
    expect(
      messages.some(
        (m) =>
          m.kind === 'tide' && (m.body.levelCm as number) > 160 && m.t >= at(sc, watch.from) && m.t <= at(sc, watch.to),
      ),
    ).toBe(true);
    expect(
      messages
        .filter(
          (m) =>
            m.deviceId === 'pump-p3-01' &&
            m.t > at(sc, '2026-10-28T13:00:00+07:00') &&
            m.t < at(sc, '2026-10-28T18:00:00+07:00'),
        )
        .every((m) => m.body.status === 'fault'),
    ).toBe(true);
    const jams = messages.filter(
      (m) =>
        m.kind === 'camera-traffic' &&
        m.body.congestion === 'jammed' &&
        sim.device(m.deviceId)!.site.catchment === 'catch-trung-tam-bac',
    );
    expect(jams.length).toBeGreaterThan(0);
    expect(jams.every((m) => m.t >= at(sc, '2026-10-28T13:30:00+07:00'))).toBe(true);
    // The water goes down again once the rain stops, the tide ebbs and the pumps work.
    const last = messages.filter((m) => m.kind === 'water-level' && m.t > sim.durationS - 1800);
    expect(Math.max(...last.map((m) => m.body.levelCm as number))).toBeLessThan(5);
  });

  it('bins stay within 0-100 % and drop after a pick-up; traffic follows the daily curve', () => {
    const { messages } = run('normal-day', { devices: 700 });
    const fills = messages.filter((m) => m.kind === 'bin-fill');
    expect(Math.max(...fills.map((m) => m.body.fillPct as number))).toBeLessThanOrEqual(100);
    expect(Math.min(...fills.map((m) => m.body.fillPct as number))).toBeGreaterThanOrEqual(0);
    const pickups = messages.filter((m) => m.kind === 'truck-pickup');
    expect(pickups.length).toBeGreaterThan(250);
    let checked = 0;
    for (const p of pickups.slice(0, 300)) {
      const binId = p.body.binId as string;
      const before = fills.filter((m) => m.deviceId === binId && m.t < p.t).at(-1);
      const after = fills.find((m) => m.deviceId === binId && m.t > p.t);
      if (!before || !after || after.t - p.t > 900) continue;
      expect(after.body.fillPct as number).toBeLessThan(before.body.fillPct as number);
      expect(after.body.fillPct as number).toBeLessThan(10);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    // No bin overflows on a normal day.
    expect(fills.filter((m) => (m.body.fillPct as number) >= 90).length).toBe(0);
    const vehicles = (fromH: number) =>
      messages
        .filter((m) => m.kind === 'camera-traffic' && m.t >= fromH * 3600 && m.t < (fromH + 1) * 3600)
        .reduce(
          (a, m) => a + (m.body.lanes as Array<{ vehicleCount: number }>).reduce((x, l) => x + l.vehicleCount, 0),
          0,
        );
    expect(vehicles(7)).toBeGreaterThan(5 * vehicles(2));
    expect(vehicles(17)).toBeGreaterThan(1.3 * vehicles(13));
  });

  it('Oóc Om Bóc: festival banks exceed their safe density, nearby roads jam, bank bins overflow', () => {
    const { sim, messages } = run('ooc-om-boc-evening');
    const crowd = messages.filter((m) => m.kind === 'camera-detection' && m.body.eventType === 'crowd_density');
    const over = crowd.filter((m) => (m.body.densityPerM2 as number) > 3);
    expect(over.length).toBeGreaterThan(0);
    const window = loadScenario('ooc-om-boc-evening').file.expectedIncidents.find(
      (x) => x.type === 'crowd-over-capacity',
    )!;
    expect(over.every((m) => m.t >= at(sim, window.from) && m.t <= at(sim, window.to))).toBe(true);
    expect(
      messages.some(
        (m) =>
          m.kind === 'camera-traffic' &&
          m.body.congestion === 'jammed' &&
          sim.device(m.deviceId)!.site.ward === 'ward-p1',
      ),
    ).toBe(true);
    expect(
      messages.some(
        (m) =>
          m.kind === 'bin-fill' &&
          (m.body.fillPct as number) >= 90 &&
          sim.device(m.deviceId)!.site.siteId === 'site-festival-bank-north',
      ),
    ).toBe(true);
    expect(
      messages.filter((m) => m.deviceId === 'cam-ds-002' && m.body.eventType === 'illegal_dumping').length,
    ).toBeGreaterThanOrEqual(5);
  });

  it('Tết surge: the broken-down truck misses its route and its bins overflow; markets overflow', () => {
    const { sim, messages } = run('tet-waste-surge', { untilS: 20 * 3600 });
    const route = city.routes.find((r) => r.id === 'R-P5-01')!;
    const down = [at(sim, '2027-02-03T05:00:00+07:00'), at(sim, '2027-02-04T11:00:00+07:00')];
    expect(
      messages.filter((m) => m.deviceId === 'truck-10' && m.kind === 'truck-pickup' && m.t >= down[0] && m.t < down[1]),
    ).toHaveLength(0);
    const routeBins = new Set(route.binIds);
    expect(
      messages.filter((m) => m.kind === 'bin-fill' && routeBins.has(m.deviceId) && (m.body.fillPct as number) >= 90)
        .length,
    ).toBeGreaterThan(20);
    for (const ward of ['ward-p1', 'ward-p8']) {
      expect(
        messages.some(
          (m) =>
            m.kind === 'bin-fill' && (m.body.fillPct as number) >= 90 && sim.device(m.deviceId)!.site.ward === ward,
        ),
      ).toBe(true);
    }
  });
});

describe('faults', () => {
  const faults = run('sensor-faults');
  const { sim, messages } = faults;
  const of = (id: string, from: string, to: string) =>
    messages.filter((m) => m.deviceId === id && m.t >= at(sim, from) && m.t < at(sim, to));

  it('stuck, drift and battery-low change the values they say', () => {
    const stuck = of('wl-p2-001', '2026-06-11T07:00:00+07:00', '2026-06-11T12:00:00+07:00');
    expect(new Set(stuck.map((m) => m.body.levelCm)).size).toBe(1);
    const before = of('wl-p2-001', '2026-06-11T06:00:00+07:00', '2026-06-11T07:00:00+07:00');
    expect(new Set(before.map((m) => m.body.levelCm)).size).toBeGreaterThan(1);
    const drift = of('wl-p2-003', '2026-06-11T07:00:00+07:00', '2026-06-11T12:00:00+07:00');
    expect((drift.at(-1)!.body.levelCm as number) - (drift[0].body.levelCm as number)).toBeGreaterThan(25);
    expect(
      of('bin-p10-0040', '2026-06-11T06:00:00+07:00', '2026-06-11T12:00:00+07:00').every(
        (m) => (m.body.batteryPct as number) <= 6,
      ),
    ).toBe(true);
  });

  it('clock skew shifts ts; late delivers later; out-of-order reorders; duplicate repeats the same msgId', () => {
    const skewed = messages.filter(
      (m) =>
        m.kind === 'rain' &&
        sim.device(m.deviceId)!.site.ward === 'ward-p1' &&
        m.t >= at(sim, '2026-06-11T08:00:00+07:00') &&
        m.t < at(sim, '2026-06-11T10:00:00+07:00'),
    );
    expect(skewed.length).toBeGreaterThan(0);
    for (const m of skewed) expect(tsOf(m) - (sim.startMs + m.t * 1000)).toBe(3_600_000);
    const late = of('wl-p9-001', '2026-06-11T08:00:00+07:00', '2026-06-11T09:00:00+07:00');
    for (const m of late) expect(m.sendT - m.t).toBe(900);
    const ooo = messages.filter((m) => m.deviceId === 'wl-p9-002').map(tsOf);
    expect(ooo.some((ts, i) => i > 0 && ts < ooo[i - 1])).toBe(true);
    const dup = of('cam-hv-001', '2026-06-11T08:00:00+07:00', '2026-06-11T09:00:00+07:00');
    const ids = dup.map((m) => `${m.body.msgId}|${m.body.ts}`);
    expect(new Set(ids).size * 2).toBe(ids.length);
  });

  it('malformed payloads fail the contract; offline and tampered devices do what they say', () => {
    const bad = of('tg-maspero-2', '2026-06-11T08:00:00+07:00', '2026-06-11T10:00:00+07:00');
    expect(bad.length).toBeGreaterThan(10);
    for (const m of bad) {
      expect(m.malformed).toBe(true);
      const parsed =
        m.raw !== undefined
          ? (() => {
              try {
                return JSON.parse(m.raw!);
              } catch {
                return undefined;
              }
            })()
          : m.body;
      expect(parsed !== undefined && validators.kinds.tide(parsed)).toBe(false);
    }
    expect(of('cam-ph-001', '2026-06-11T09:00:00+07:00', '2026-06-11T11:00:00+07:00')).toHaveLength(0);
    expect(of('cam-ph-001', '2026-06-11T11:00:00+07:00', '2026-06-11T12:00:00+07:00').length).toBeGreaterThan(0);
    const health = of('cam-thd-002', '2026-06-11T09:00:00+07:00', '2026-06-11T10:00:00+07:00').filter(
      (m) => m.kind === 'camera-health',
    );
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((m) => m.body.tampered === true)).toBe(true);
  });

  it('a power cut silences every device of the ward, and only inside the window', () => {
    const { sim: s, messages: ms } = run('power-cut-p3');
    const p3 = new Set(city.devices.filter((d) => d.ward === 'ward-p3').map((d) => d.id));
    const from = at(s, '2026-07-15T10:00:00+07:00');
    const to = at(s, '2026-07-15T13:30:00+07:00');
    expect(ms.filter((m) => p3.has(m.deviceId) && m.t >= from && m.t < to)).toHaveLength(0);
    const before = new Set(ms.filter((m) => p3.has(m.deviceId) && m.t < from).map((m) => m.deviceId));
    const after = new Set(ms.filter((m) => p3.has(m.deviceId) && m.t >= to).map((m) => m.deviceId));
    expect(before.size).toBeGreaterThan(100);
    expect(after.size).toBe(before.size);
    expect(ms.some((m) => !p3.has(m.deviceId) && m.t >= from && m.t < to)).toBe(true);
  });

  it('a bin fire raises the temperature of that bin only', () => {
    const file: ScenarioFile = {
      name: 'bin-fire',
      description: 'test',
      start: '2027-02-04T18:00:00+07:00',
      duration: '3h',
      faults: [
        {
          type: 'bin-fire',
          devices: ['bin-p10-0041'],
          from: '2027-02-04T19:00:00+07:00',
          to: '2027-02-04T20:00:00+07:00',
        },
      ],
      expectedIncidents: [],
    };
    const { messages: ms } = run(resolveScenario(file));
    const temps = ms
      .filter((m) => m.kind === 'bin-fill')
      .map((m) => ({ id: m.deviceId, t: m.t, c: m.body.temperatureC as number }));
    expect(
      Math.max(...temps.filter((x) => x.id === 'bin-p10-0041' && x.t > 4500 && x.t < 7200).map((x) => x.c)),
    ).toBeGreaterThan(80);
    expect(Math.max(...temps.filter((x) => x.id !== 'bin-p10-0041').map((x) => x.c))).toBeLessThan(40);
  });
});
