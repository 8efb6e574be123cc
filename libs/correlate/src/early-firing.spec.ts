import { loadRules, parseRuleFiles } from '@ioc/correlation';
import { firesEarly } from './early-firing';

describe('firesEarly', () => {
  it('picks the shipped rules that decide on one reading with no hold time (not absence patterns: zone-outage has none)', () => {
    expect(
      loadRules()
        .rules.filter(firesEarly)
        .map((r) => r.id)
        .sort(),
    ).toEqual([
      'devices.battery-low',
      'devices.camera-tampered',
      'traffic.illegal-parking',
      'waste.bin-fire',
      'waste.illegal-dumping-hotspot',
    ]);
  });

  it('leaves out a rule with a hold time, and one whose members must hold first', () => {
    const rule = (id: string, extra: string) => `
  - id: ${id}
    type: bin-fire
    title: { vi: "x", en: "x" }
    ${extra}
    severity: { bands: [{ level: major }] }`;
    const threshold = (hold: string) => `detector: threshold
    ${hold}
    params: { kinds: [bin-fill], field: temperatureC, when: { above: 70, clearBelow: 45 }, group: { by: ward } }`;
    const { rules } = parseRuleFiles([
      {
        name: 'rules/test.yaml',
        text: `version: 1\nrules:${[
          rule('t.now', threshold('')),
          rule('t.held', threshold('raiseAfter: 1m')),
          rule('t.member', threshold('').replace('group: { by: ward } }', 'group: { by: ward }, memberAfter: 30s }')),
        ].join('')}`,
      },
    ]);
    expect(rules.filter(firesEarly).map((r) => r.id)).toEqual(['t.now']);
  });
});
