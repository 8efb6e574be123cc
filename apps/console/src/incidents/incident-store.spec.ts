import type { StoredIncidentEvent } from '@ioc/domain';
import { bySeverityThenTime, IncidentStore, matches, type IncidentView } from './incident-store';

let seq = 0;
const opened = (id: string, severity: 'major' | 'critical' = 'major', at = 1_000): StoredIncidentEvent => ({
  incidentId: id,
  at,
  actor: 'system',
  seq: ++seq,
  version: 1,
  type: 'opened',
  data: {
    key: `urban-flooding:${id}`,
    incidentType: 'urban-flooding',
    ruleId: 'flood.urban-flooding',
    zone: { kind: 'catchment', id: 'catch-trung-tam-bac' },
    severity,
    title: { vi: 'Ngập', en: 'Flood' },
    exercise: false,
    evidence: [
      {
        at,
        source: 'sensor',
        deviceId: 'wl-1',
        msgId: 'm1',
        kind: 'water-level',
        summary: 'wl-1 34 cm',
        value: 34,
        unit: 'cm',
      },
    ],
    absorbs: [],
  },
});
const acked = (id: string, version: number, actor = 'op1'): StoredIncidentEvent => ({
  incidentId: id,
  at: 2_000,
  actor,
  seq: ++seq,
  version,
  type: 'acknowledged',
  data: {},
});
const raised = (id: string, version: number): StoredIncidentEvent => ({
  incidentId: id,
  at: 3_000,
  actor: 'system',
  seq: ++seq,
  version,
  type: 'severity-raised',
  data: { from: 'major', to: 'critical' },
});

describe('IncidentStore', () => {
  it('folds each event once: a resent event after a reconnect is a duplicate', () => {
    const store = new IncidentStore();
    const o = opened('a');
    const a = acked('a', 2);
    expect(store.apply(o)).toMatchObject({ kind: 'applied', incident: { state: 'open', evidenceCount: 1 } });
    expect(store.apply(a)).toMatchObject({
      kind: 'applied',
      incident: { state: 'acknowledged', acknowledgedBy: 'op1', version: 2 },
    });
    expect(store.apply(o)).toEqual({ kind: 'duplicate' });
    expect(store.apply(a)).toEqual({ kind: 'duplicate' });
    expect(store.lastSeq).toBe(a.seq);
  });

  it('asks for the record after a gap in an incident’s versions, or for an incident it does not hold', () => {
    const store = new IncidentStore();
    store.apply(opened('b'));
    expect(store.apply(raised('b', 3))).toEqual({ kind: 'refetch', incidentId: 'b' });
    expect(store.apply(acked('c', 2))).toEqual({ kind: 'refetch', incidentId: 'c' });
    expect(store.get('b')?.version).toBe(1);
  });

  it('keeps the newer of a fetched record and what the events built', () => {
    const store = new IncidentStore();
    store.apply(opened('d'));
    store.apply(acked('d', 2));
    const stale = { ...store.get('d')!, state: 'open', version: 1 } as IncidentView;
    expect(store.upsert(stale)).toBe(false);
    expect(store.get('d')?.state).toBe('acknowledged');
    expect(store.upsert({ ...stale, state: 'resolved', version: 3 })).toBe(true);
    expect(store.apply(acked('d', 3))).toEqual({ kind: 'duplicate' });
  });

  it('reports an incident becoming critical once (the audible cue)', () => {
    const store = new IncidentStore();
    expect(store.apply(opened('e', 'critical'))).toMatchObject({ becameCritical: true });
    expect(store.apply(acked('e', 2))).toMatchObject({ becameCritical: false });
    store.apply(opened('f'));
    expect(store.apply(raised('f', 2))).toMatchObject({ becameCritical: true });
  });

  it('orders by severity then time and filters by state, domain and ward', () => {
    const store = new IncidentStore();
    store.apply(opened('g', 'major', 5_000));
    store.apply(opened('h', 'critical', 1_000));
    store.apply(opened('i', 'major', 9_000));
    store.apply(acked('i', 2));
    expect(
      store
        .all()
        .sort(bySeverityThenTime)
        .map((i) => i.id),
    ).toEqual(['h', 'i', 'g']);
    const ward = () => 'ward-p1';
    expect(
      store
        .all()
        .filter((i) => matches(i, { state: 'open' }, ward))
        .map((i) => i.id)
        .sort(),
    ).toEqual(['g', 'h']);
    expect(store.all().filter((i) => matches(i, { state: 'active', domain: 'waste' }, ward))).toEqual([]);
    expect(store.all().filter((i) => matches(i, { state: 'all', ward: 'ward-p2' }, ward))).toEqual([]);
  });
});

describe('IncidentStore with the gateway summary', () => {
  it('takes state and severity from the summary that came with the event', () => {
    const store = new IncidentStore();
    const o = opened('s1');
    store.apply(o);
    const a = acked('s1', 2);
    const r = store.apply(a, {
      id: 's1',
      key: 'k',
      type: 'urban-flooding',
      domain: 'flood',
      zone: { kind: 'ward', id: 'ward-p1' },
      wards: ['ward-p1'],
      severity: 'critical',
      state: 'resolved',
      title: { vi: 'x', en: 'x' },
      exercise: false,
    });
    expect(r).toMatchObject({
      kind: 'applied',
      incident: { state: 'resolved', severity: 'critical' },
      becameCritical: true,
    });
  });
});
