import type { IncidentSignal } from '@ioc/domain';
import { compareDecisions, liveDecisions } from './replay-comparison';

const T = Date.parse('2026-06-10T00:00:00Z');

const raise = (key: string, at: number): IncidentSignal => ({
  op: 'raise',
  key,
  type: 'bin-fire',
  ruleId: 'bin-fire',
  zone: { kind: 'ward', id: 'w1' },
  severity: 'major',
  at,
  evidence: [],
  title: { vi: 'Cháy thùng rác', en: 'Bin fire' },
});
const clear = (key: string, at: number): IncidentSignal => ({ op: 'clear', key, at, reason: 'cooled' });

describe('liveDecisions', () => {
  it('takes the prefix off the keys, keeps the time given and types a clear by its raise', () => {
    const d = liveDecisions(
      [
        { signal: raise('exercise-1a2b3c4d/bin-fire:w1', 999), at: T },
        { signal: clear('exercise-1a2b3c4d/bin-fire:w1', 999), at: T + 60_000 },
      ],
      'exercise-1a2b3c4d/',
    );
    expect(d).toEqual([
      { op: 'raise', key: 'bin-fire:w1', type: 'bin-fire', at: T },
      { op: 'clear', key: 'bin-fire:w1', type: 'bin-fire', at: T + 60_000 },
    ]);
  });

  it('keeps a key without the prefix whole', () => {
    expect(liveDecisions([{ signal: clear('other/k', T), at: T }], 'exercise-x/')[0]).toMatchObject({
      key: 'other/k',
      type: undefined,
    });
  });
});

describe('compareDecisions', () => {
  const live = liveDecisions([
    { signal: raise('bin-fire:w1', T), at: T },
    { signal: clear('bin-fire:w1', T + 60_000), at: T + 60_000 },
  ]);

  it('finds equal sequences identical', () => {
    expect(compareDecisions(live, [...live])).toEqual({ identical: true, differences: [] });
  });

  it('names a decision at another time, and one missing', () => {
    const later = [live[0], { ...live[1], at: T + 120_000 }];
    const r = compareDecisions(live, later, ['replay', 'backtest']);
    expect(r.identical).toBe(false);
    expect(r.differences).toEqual([
      '#1: replay clear bin-fire bin-fire:w1 at 2026-06-10T00:01:00.000Z; backtest clear bin-fire bin-fire:w1 at 2026-06-10T00:02:00.000Z',
    ]);
    expect(compareDecisions(live, live.slice(0, 1)).differences).toEqual([
      '#1: a clear bin-fire bin-fire:w1 at 2026-06-10T00:01:00.000Z; b nothing',
    ]);
  });

  it('lists at most the first few differences and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...live[0], at: T + i }));
    const r = compareDecisions(many, [], ['a', 'b'], 3);
    expect(r.differences).toHaveLength(4);
    expect(r.differences[3]).toBe('… 5 more');
  });
});
