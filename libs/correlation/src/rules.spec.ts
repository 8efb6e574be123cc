import { INCIDENT_TYPES, type IncidentType } from '@ioc/domain';
import { loadRules } from './rules.loader';
import {
  at,
  binFill,
  detection,
  every,
  fieldReport,
  gate,
  health,
  heartbeats,
  pickup,
  pump,
  rain,
  raises,
  runEngine,
  tide,
  traffic,
  waterLevel,
} from './testing/factories';

const rules = loadRules();
const tested = new Set<IncidentType>();
/** Runs events (plus every other device's normal reports) and returns the raises of `type`. */
function raised(
  type: IncidentType,
  events: Parameters<typeof runEngine>[1],
  untilMin: number,
  silent: readonly string[] = [],
) {
  tested.add(type);
  const { signals, engine } = runEngine(
    rules,
    [...heartbeats(0, untilMin, [...silent, ...new Set(events.map((e) => e.deviceId))]), ...events],
    untilMin,
  );
  return {
    all: signals,
    mine: raises(signals).filter((s) => s.type === type),
    signals: signals.filter((s) => s.key.startsWith(`${type}:`)),
    engine,
  };
}
const wlAll = (prefix: string, from: number, to: number, level: (m: number) => number) =>
  // A little noise, as a live ultrasonic sensor has (a constant reading is a stuck sensor).
  [1, 2, 3, 4].flatMap((i) =>
    every(from, to, 1, (m) => waterLevel(`${prefix}-${i}`, m, level(m) + i * 0.1 + ((m + i) % 3) / 10)),
  );
const cams = ['cam-a-1', 'cam-a-2', 'cam-a-3', 'cam-a-4'];
const dryWl = (to: number) => wlAll('wl-a', 0, to, (m) => (m % 3) / 10);

describe('every incident type has a rule', () => {
  it('the rule files cover INCIDENT_TYPES and each type is tested below', () => {
    expect(new Set(rules.rules.map((r) => r.type))).toEqual(new Set(INCIDENT_TYPES));
  });

  describe('flood', () => {
    it('urban-flooding: median over the warning level with rain, after 10 min; severity by level, up when a camera confirms; clears with hysteresis', () => {
      const ev = [
        ...every(0, 60, 5, (m) => rain('rg-a', m, m >= 10 ? 8 : 0)),
        ...wlAll('wl-a', 0, 180, (m) => (m < 30 ? 0 : m < 120 ? 32 : m < 140 ? 17 : 5)),
      ];
      const { mine, signals } = raised('urban-flooding', [...ev, detection('cam-a-1', 45, 'standing_water')], 180);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        key: 'urban-flooding:catch-a',
        zone: { kind: 'catchment', id: 'catch-a' },
        at: at(40),
        title: { vi: 'Ngập úng đô thị: Lưu vực A', en: 'Urban flooding: Lưu vực A' },
      });
      expect(mine[0].severity).toBe('major'); // 32 cm ≥ 1.5 × 20
      expect(signals.find((s) => s.op === 'update' && s.severity === 'critical')).toBeDefined(); // confirmed by standing water
      // 17 cm (between clear 15 and warning 20) keeps it; 5 cm for 20 minutes clears it.
      expect(signals.find((s) => s.op === 'clear')).toMatchObject({ at: at(160) });
    });

    it('urban-flooding: no cause (no rain, low river), no flood: the water is suspect, not a flood', () => {
      expect(
        raised(
          'urban-flooding',
          wlAll('wl-a', 0, 90, (m) => (m < 30 ? 0 : 32)),
          90,
        ).mine,
      ).toEqual([]);
    });

    it('rising-water: water on the street rising ≥ 10 cm/h with the warning level forecast within the hour; absorbed by the flood', () => {
      const ev = [
        ...every(0, 120, 5, (m) => rain('rg-a', m, 6)),
        ...wlAll('wl-a', 0, 120, (m) => Math.max(0, (m - 20) * 0.4)),
      ];
      const { mine, all } = raised('rising-water', ev, 120);
      expect(mine).toHaveLength(1);
      expect(mine[0].zone.id).toBe('catch-a');
      expect(mine[0].at).toBeLessThan(at(70)); // before the level reaches 20 cm (minute 70)
      const flood = raises(all).find((s) => s.type === 'urban-flooding')!;
      expect(flood.absorbs).toEqual(['rising-water:catch-a']);
      expect(all.find((s) => s.op === 'clear' && s.key === 'rising-water:catch-a')).toMatchObject({
        reason: 'absorbed by urban-flooding:catch-a',
      });
    });

    it('king-tide-watch: median of the tide gauges ≥ 160 cm for 10 min; clears below 150 after 30 min', () => {
      const ev = ['tg-1', 'tg-2', 'tg-3'].flatMap((g) =>
        every(0, 240, 5, (m) => tide(g, m, m < 60 ? 150 : m < 150 ? 172 : m < 180 ? 155 : 120)),
      );
      const { mine, signals } = raised('king-tide-watch', ev, 240);
      expect(mine).toMatchObject([{ key: 'king-tide-watch:river-maspero', at: at(70), severity: 'major' }]);
      expect(signals.find((s) => s.op === 'clear')).toMatchObject({ at: at(210) });
    });

    it('pump-failure: a fault while it rains; none in dry weather with a low river', () => {
      const wet = raised(
        'pump-failure',
        [
          ...every(0, 60, 5, (m) => rain('rg-a', m, 4)),
          ...every(0, 60, 1, (m) => pump('pump-a', m, m >= 20 ? 'fault' : 'running')),
        ],
        60,
      );
      expect(wet.mine).toMatchObject([{ key: 'pump-failure:catch-a', at: at(22), severity: 'major' }]);
      expect(
        raised(
          'pump-failure',
          every(0, 60, 1, (m) => pump('pump-a', m, 'fault')),
          60,
        ).mine,
      ).toEqual([]);
    });

    it('sluice-gate-failure: stuck open (fault) while the river stands above the outfall', () => {
      const ev = [
        ...['tg-1', 'tg-2', 'tg-3'].flatMap((g) => every(0, 60, 5, (m) => tide(g, m, 120))),
        ...every(0, 60, 1, (m) => gate('gate-a', m, m >= 10 ? 'fault' : 'closed')),
      ];
      expect(raised('sluice-gate-failure', ev, 60).mine).toMatchObject([
        { key: 'sluice-gate-failure:catch-a', severity: 'critical', at: at(12) },
      ]);
    });
  });

  describe('waste', () => {
    const bins = ['bin-a-1', 'bin-a-2', 'bin-a-3', 'bin-a-4', 'bin-a-5'];
    it('bin-overflow: 5 bins ≥ 90 % and no pick-up within 2 h (absence); a pick-up in time prevents it', () => {
      const full = bins.flatMap((b) => every(0, 200, 15, (m) => binFill(b, m, 92)));
      const { mine } = raised('bin-overflow', full, 200);
      expect(mine).toMatchObject([{ key: 'bin-overflow:ward-a', at: at(120), severity: 'moderate' }]);
      expect(mine[0].evidence).toHaveLength(5);
      expect(raised('bin-overflow', [...full, pickup('truck-a', 100, 'bin-a-1')], 200).mine).toEqual([]);
      expect(
        raised(
          'bin-overflow',
          full.filter((e) => e.deviceId !== 'bin-a-5'),
          200,
        ).mine,
      ).toEqual([]);
    });

    it('missed-collection: fewer than 90 % of the route picked by the deadline; clears when the catch-up is done', () => {
      const ev = [
        pickup('truck-a', 6 * 60, 'bin-a-1'),
        ...['bin-a-1', 'bin-a-2', 'bin-a-3', 'bin-a-4', 'bin-a-5'].map((b, i) => pickup('truck-a', 10 * 60 + i, b)),
      ];
      const { mine, signals } = raised('missed-collection', ev, 11 * 60);
      expect(mine).toMatchObject([
        {
          key: 'missed-collection:ward-a:R-A',
          zone: { kind: 'ward', id: 'ward-a' },
          at: at(9 * 60),
          severity: 'major',
        },
      ]);
      expect(signals.find((s) => s.op === 'clear')).toMatchObject({ at: at(10 * 60 + 4) });
    });

    it('illegal-dumping-hotspot: 3 confident detections by one camera within 2 h (or dumping reports near it)', () => {
      expect(
        raised(
          'illegal-dumping-hotspot',
          [10, 40, 70].map((m) => detection('cam-a-1', m, 'illegal_dumping')),
          120,
        ).mine,
      ).toMatchObject([{ key: 'illegal-dumping-hotspot:ward-a', at: at(70) }]);
      expect(
        raised(
          'illegal-dumping-hotspot',
          [10, 80, 200].map((m) => detection('cam-a-1', m, 'illegal_dumping')),
          240,
        ).mine,
      ).toEqual([]);
      expect(
        raised(
          'illegal-dumping-hotspot',
          [10, 40, 70].map((m) => detection('cam-a-1', m, 'illegal_dumping', { confidence: 0.5 })),
          120,
        ).mine,
      ).toEqual([]);
      const withReport = [
        detection('cam-a-1', 10, 'illegal_dumping'),
        detection('cam-a-1', 20, 'illegal_dumping'),
        fieldReport(30, 'dumping', 10.0041, 106.003, 'rác đổ bên đường'),
      ];
      expect(raised('illegal-dumping-hotspot', withReport, 60).mine).toHaveLength(1);
    });

    it('bin-fire: 70 °C raises it; 50 °C keeps it (hysteresis); below 45 °C for 30 min clears it', () => {
      const ev = every(0, 120, 5, (m) => binFill('bin-a-6', m, 40, m < 10 ? 28 : m < 40 ? 85 : m < 60 ? 50 : 30));
      const { mine, signals } = raised('bin-fire', ev, 120);
      expect(mine).toMatchObject([{ key: 'bin-fire:ward-a', at: at(10), severity: 'major' }]);
      expect(signals.find((s) => s.op === 'clear')).toMatchObject({ at: at(90) });
    });
  });

  describe('traffic and public order', () => {
    it('congestion: 3 of 4 cameras heavy or jammed for 10 min, raised 5 min later; 2 cameras are not enough', () => {
      const jam = (n: number) =>
        cams.slice(0, n).flatMap((c) => every(0, 60, 1, (m) => traffic(c, m, m >= 5 ? 'jammed' : 'free')));
      expect(raised('congestion', [...jam(3), ...dryWl(60)], 60).mine).toMatchObject([
        { key: 'congestion:ward-a', at: at(20) },
      ]);
      expect(raised('congestion', [...jam(2), ...dryWl(60)], 60).mine).toEqual([]);
    });

    it('illegal-parking: 8 detections by a camera within one clock hour (tumbling); 8 across two hours are not', () => {
      expect(
        raised(
          'illegal-parking',
          every(0, 40, 5, (m) => detection('cam-a-2', m, m % 10 ? 'illegal_parking' : 'sidewalk_encroachment')),
          60,
        ).mine,
      ).toHaveLength(1);
      expect(
        raised(
          'illegal-parking',
          every(40, 80, 5, (m) => detection('cam-a-2', m, 'illegal_parking')),
          120,
        ).mine,
      ).toEqual([]);
    });

    it('crowd-over-capacity: density above the site capacity (300 persons / 100 m²) for 10 min; severity by how far', () => {
      const ev = ['cam-f-1', 'cam-f-2'].flatMap((c) =>
        every(0, 60, 1, (m) => detection(c, m, 'crowd_density', { densityPerM2: m < 10 ? 2 : 3.9 })),
      );
      expect(raised('crowd-over-capacity', ev, 60).mine).toMatchObject([
        { key: 'crowd-over-capacity:site-fest', zone: { kind: 'site' }, at: at(20), severity: 'major' },
      ]);
      const below = ['cam-f-1', 'cam-f-2'].flatMap((c) =>
        every(0, 60, 1, (m) => detection(c, m, 'crowd_density', { densityPerM2: 2.9 })),
      );
      expect(raised('crowd-over-capacity', below, 60).mine).toEqual([]);
    });
  });

  describe('cross-domain', () => {
    it('flood-induced-congestion: jams on wet streets are one flood incident, and it absorbs the congestion raised before the water', () => {
      const jam = cams.flatMap((c) => every(0, 120, 1, (m) => traffic(c, m, 'jammed')));
      const water = wlAll('wl-a', 0, 120, (m) => (m < 40 ? 0 : 9));
      const { mine, all } = raised('flood-induced-congestion', [...jam, ...water], 120);
      const congestion = raises(all).filter((s) => s.type === 'congestion');
      expect(congestion).toHaveLength(1);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ key: 'flood-induced-congestion:catch-a', absorbs: ['congestion:ward-a'] });
      expect(all.find((s) => s.op === 'clear' && s.key === 'congestion:ward-a')).toMatchObject({
        reason: 'absorbed by flood-induced-congestion:catch-a',
      });
      // Once absorbed, the same jam does not come back as plain congestion.
      expect(raises(all).filter((s) => s.type === 'congestion' && s.at > mine[0].at)).toEqual([]);
    });

    it('waste-in-flooded-zone: 3 bins ≥ 80 % in a catchment under an urban-flooding incident', () => {
      const flood = [...every(0, 120, 5, (m) => rain('rg-a', m, 8)), ...wlAll('wl-a', 0, 120, () => 25)];
      const bins = ['bin-a-1', 'bin-a-2', 'bin-a-3'].flatMap((b) => every(0, 120, 15, (m) => binFill(b, m, 85)));
      expect(raised('waste-in-flooded-zone', [...flood, ...bins], 120).mine).toMatchObject([
        { key: 'waste-in-flooded-zone:catch-a' },
      ]);
      expect(raised('waste-in-flooded-zone', bins, 120).mine).toEqual([]);
    });

    it('zone-outage: the fast devices of a ward silent together give one outage and no device-offline', () => {
      const wardA = [
        'wl-a-1',
        'wl-a-2',
        'wl-a-3',
        'wl-a-4',
        'rg-a',
        'pump-a',
        'gate-a',
        ...cams,
        ...['bin-a-1', 'bin-a-2', 'bin-a-3', 'bin-a-4', 'bin-a-5', 'bin-a-6'],
        'truck-a',
      ];
      const { mine, all } = raised('zone-outage', [], 180, wardA);
      expect(mine).toMatchObject([{ key: 'zone-outage:ward-a', at: at(5) }]); // 6 of its 11 fast devices silent after 5 min
      expect(raises(all).filter((s) => s.type === 'device-offline')).toEqual([]);
    });
  });

  describe('device health and data quality', () => {
    it('device-offline: one camera silent for more than 6 min, raised 5 min later; clears when it speaks again', () => {
      const back = every(40, 60, 1, (m) => traffic('cam-a-3', m, 'free'));
      const { mine, signals } = raised('device-offline', back, 60, ['cam-a-3']);
      expect(mine).toMatchObject([{ key: 'device-offline:ward-a', at: at(11), severity: 'minor' }]);
      expect(mine[0].evidence[0].summary).toBe('cam-a-3 silent since start (> 6m)');
      expect(signals.find((s) => s.op === 'clear')).toMatchObject({ at: at(45) });
    });

    it('device-battery-low: at or below 10 %', () => {
      expect(raised('device-battery-low', [waterLevel('wl-b-2', 3, 0.2, 7)], 10).mine).toMatchObject([
        { key: 'device-battery-low:ward-b', at: at(3) },
      ]);
    });

    it("camera-tampered: raised from the camera's health, and its detections are ignored meanwhile", () => {
      const ev = [
        health('cam-a-1', 5, true),
        ...[10, 20, 30, 40].map((m) => detection('cam-a-1', m, 'illegal_dumping')),
        health('cam-a-1', 50, false),
      ];
      const { mine, all, engine } = raised('camera-tampered', ev, 60);
      expect(mine).toMatchObject([{ key: 'camera-tampered:ward-a', at: at(5) }]);
      expect(raises(all).filter((s) => s.type === 'illegal-dumping-hotspot')).toEqual([]);
      expect(engine.stats().suppressed.inhibited).toBeGreaterThanOrEqual(4);
    });

    it('sensor-stuck: the same reading 20 times over 30 min', () => {
      const ev = every(0, 60, 1, (m) => waterLevel('wl-b-1', m, m < 10 ? m / 10 : 3.2));
      expect(raised('sensor-stuck', ev, 60).mine).toMatchObject([{ key: 'sensor-stuck:catch-b', at: at(40) }]);
    });

    it('sensor-drift: the offset from steady neighbours grows 6 cm/h; reported as drift, not also as disagreement', () => {
      const ev = [
        ...wlAll('wl-b', 0, 300, (m) => (m % 3) / 10).filter((e) => e.deviceId !== 'wl-b-4'),
        ...every(0, 300, 1, (m) => waterLevel('wl-b-4', m, Math.max(0, (m - 60) * 0.1))),
      ];
      const { mine, all } = raised('sensor-drift', ev, 300);
      expect(mine).toHaveLength(1);
      expect(mine[0].key).toBe('sensor-drift:catch-b');
      expect(mine[0].at).toBeGreaterThan(at(140)); // offset 8 cm at minute 140
      expect(raises(all).filter((s) => s.type === 'sensor-disagreement')).toEqual([]);
    });

    it('sensor-disagreement: a sudden 15 cm away from steady neighbours for 15 min', () => {
      const ev = [
        ...wlAll('wl-b', 0, 120, (m) => (m % 3) / 10).filter((e) => e.deviceId !== 'wl-b-2'),
        ...every(0, 120, 1, (m) => waterLevel('wl-b-2', m, m < 40 ? 0.2 : 15 + (m % 2) / 10)),
      ];
      expect(raised('sensor-disagreement', ev, 120).mine).toMatchObject([
        { key: 'sensor-disagreement:catch-b', at: at(55) },
      ]);
    });
  });

  it('(every type above was tested)', () => expect([...INCIDENT_TYPES].filter((t) => !tested.has(t))).toEqual([]));
});
