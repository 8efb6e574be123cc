import { parseRuleFiles, RuleFileError } from './rule-file';
import { loadRules } from './rules.loader';
import { at, every, health, heartbeats, raises, runEngine, toyTopology, traffic, T0 } from './testing/factories';
import { CorrelationEngine } from './engine';

const rules = loadRules();
const cams = ['cam-a-1', 'cam-a-2', 'cam-a-3'];
const jam = cams.flatMap((c) => every(0, 90, 1, (m) => traffic(c, m, m >= 5 ? 'jammed' : 'free')));

describe('noise control', () => {
  it('a silence holds a raise until it ends (then raises if the condition still holds); it expires by itself', () => {
    const engine = new CorrelationEngine({ rules, topology: toyTopology(), allowedLatenessMs: 0, startAt: T0 });
    engine.addSilence({
      id: 'works',
      matchers: { type: 'congestion', zoneId: 'ward-a' },
      startsAt: at(0),
      endsAt: at(40),
      comment: 'road works',
    });
    engine.push([...heartbeats(0, 90, cams), ...jam]);
    const signals = engine.advanceTo(at(90));
    expect(raises(signals).filter((s) => s.type === 'congestion')).toMatchObject([{ at: at(40) }]);
    expect(engine.stats().suppressed.silenced).toBeGreaterThan(0);
    expect(engine.silences()).toEqual([]);
  });

  it('a silence ended early lets the raise it held through at the next watermark, without waiting for more data', () => {
    const engine = new CorrelationEngine({ rules, topology: toyTopology(), allowedLatenessMs: 0, startAt: T0 });
    engine.addSilence({
      id: 'works',
      matchers: { type: 'congestion', zoneId: 'ward-a' },
      startsAt: at(0),
      endsAt: at(600),
      comment: 'road works',
    });
    // The jam lasts; the cameras' last readings are at minute 30.
    engine.push([
      ...heartbeats(0, 30, cams),
      ...cams.flatMap((c) => every(0, 30, 1, (m) => traffic(c, m, m >= 5 ? 'jammed' : 'free'))),
    ]);
    expect(raises(engine.advanceTo(at(30))).filter((s) => s.type === 'congestion')).toEqual([]);
    expect(engine.removeSilence('works')).toBe(true);
    expect(raises(engine.advanceTo(at(31))).filter((s) => s.type === 'congestion')).toMatchObject([
      { key: 'congestion:ward-a' },
    ]);
    expect(engine.removeSilence('works')).toBe(false);
  });

  it('flap damping: a condition toggling more than 3 times an hour keeps its incident raised instead of re-raising', () => {
    const toggling = every(0, 120, 5, (m) => health('cam-a-4', m, m < 60 && (m / 5) % 2 === 0));
    const { signals } = runEngine(rules, [...heartbeats(0, 120, ['cam-a-4']), ...toggling], 120);
    const mine = signals.filter((s) => s.key === 'camera-tampered:ward-a');
    expect(raises(mine).length).toBe(4);
    const lastClear = mine.filter((s) => s.op === 'clear').at(-1)!;
    expect(lastClear.at).toBe(at(85)); // false since minute 55, flapping: 30 min instead of 0
  });

  it('deduplicates by key: one incident per zone however many devices and messages confirm it', () => {
    const { signals } = runEngine(rules, [...heartbeats(0, 90, cams), ...jam, ...jam], 90);
    expect(
      raises(signals)
        .filter((s) => s.type === 'congestion')
        .map((s) => s.key),
    ).toEqual(['congestion:ward-a']);
  });
});

describe('event time', () => {
  it('late events are counted, not applied; absence timers fire without data', () => {
    const engine = new CorrelationEngine({ rules, topology: toyTopology(), allowedLatenessMs: 60_000, startAt: T0 });
    engine.push(heartbeats(0, 10));
    engine.advanceTo(at(11));
    engine.push([health('cam-a-1', 2, true)]);
    expect(engine.stats()).toMatchObject({ late: 1, lateByKind: { 'camera-health': 1 } });
    // Nothing more arrives: the watermark alone moves time on and the whole city goes silent.
    const signals = engine.advanceTo(at(40));
    expect(raises(signals).map((s) => s.key)).toEqual(
      expect.arrayContaining(['zone-outage:ward-a', 'zone-outage:ward-b']),
    );
    expect(raises(signals).filter((s) => s.type === 'camera-tampered')).toEqual([]);
  });

  it("with lateEvents 'apply' (early firing), an event behind the watermark is applied at the watermark", () => {
    const engine = new CorrelationEngine({
      rules,
      topology: toyTopology(),
      allowedLatenessMs: 0,
      startAt: T0,
      lateEvents: 'apply',
    });
    engine.push(heartbeats(0, 10));
    engine.advanceTo(at(11));
    engine.push([health('cam-a-1', 2, true)]);
    // Applied at the watermark even when the driver's time has not moved on.
    const signals = engine.advanceTo(at(11));
    expect(engine.stats()).toMatchObject({ late: 0 });
    expect(raises(signals)).toMatchObject([{ key: 'camera-tampered:ward-a', at: at(11) }]);
  });
});

describe('rule files', () => {
  it('are validated with errors naming the file, the rule and the path', () => {
    const bad = `version: 1
rules:
  - id: flood.bad
    type: urban-flooding
    title: { vi: "x", en: "x" }
    detector: zone-level
    raiseAfter: ten minutes
    severity: { bands: [{ level: moderate }] }
    params: { kind: water-level, field: levelCm, zone: catchment, above: 20, clearBelow: 15, staleAfter: 10m, requiresAny: [nosuch] }
  - id: waste.x
    type: not-a-type
    title: { vi: "x", en: "x" }
    detector: count
    severity: { bands: [{ level: minor }] }
    params: {}
`;
    let err: RuleFileError | undefined;
    try {
      parseRuleFiles([{ name: 'rules/bad.yaml', text: bad }]);
    } catch (e) {
      err = e as RuleFileError;
    }
    expect(err).toBeInstanceOf(RuleFileError);
    expect(err!.problems).toEqual(
      expect.arrayContaining([
        'rules/bad.yaml: rule flood.bad: raiseAfter: "ten minutes" is not a duration (write 90s, 15m, 2h or 1d)',
        expect.stringMatching(/^rules\/bad\.yaml: rule flood\.bad: params\.requiresAny\.0: unknown predicate "nosuch"/),
        expect.stringMatching(/^rules\/bad\.yaml: rule waste\.x: type: /),
      ]),
    );
    expect(() => parseRuleFiles([{ name: 'x.yaml', text: 'version: 1\nrules: [' }])).toThrow(/x\.yaml: not YAML/);
  });

  it('the shipped rules load, one rule id each', () => {
    expect(new Set(rules.rules.map((r) => r.id)).size).toBe(rules.rules.length);
  });
});
