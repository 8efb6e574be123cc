import {
  evolve,
  SYSTEM_ACTOR,
  type Evidence,
  type IncidentEvent,
  type IncidentRecord,
  type IncidentSignal,
} from '@ioc/domain';
import { isIocError } from '@ioc/platform';
import {
  decide,
  foldByIncident,
  validatePolicy,
  type DecideContext,
  type IncidentCommand,
  type LifecyclePolicy,
} from './incident.decider';

const MIN = 60_000;
const T0 = Date.UTC(2026, 9, 20, 11, 0, 0);
const policy: LifecyclePolicy = { reopenWindowMs: 30 * MIN, autoCloseAfterMs: 24 * 60 * MIN };
const ctx = (now: number): DecideContext => ({ now, policy });

const ev = (at: number, msgId: string, value = 30): Evidence => ({
  at,
  source: 'sensor',
  deviceId: 'wl-p2-001',
  msgId,
  kind: 'water-level',
  summary: `wl-p2-001 level ${value} cm ≥ 20 cm`,
  value,
  unit: 'cm',
});

const raise = (at: number, over: Partial<Extract<IncidentSignal, { op: 'raise' }>> = {}): IncidentSignal => ({
  op: 'raise',
  key: 'urban-flooding:catch-trung-tam-bac',
  type: 'urban-flooding',
  ruleId: 'flood.urban-flooding',
  zone: { kind: 'catchment', id: 'catch-trung-tam-bac' },
  severity: 'moderate',
  at,
  evidence: [ev(at, 'm1')],
  title: { vi: 'Ngập lưu vực Trung tâm bắc', en: 'Flooding in Trung tâm bắc' },
  ...over,
});

const sop = {
  id: 'sop-urban-flooding',
  version: 3,
  title: { vi: 'Ngập', en: 'Flooding' },
  instruction: { vi: 'Tránh', en: 'Avoid' },
  steps: [{ id: 'confirm', text: { vi: 'Xác nhận', en: 'Confirm' }, owner: 'operator' as const, dueWithinMin: 5 }],
};

let ids = 0;
const signal = (s: IncidentSignal, exercise = false): IncidentCommand => ({
  kind: 'apply-signal',
  signal: s,
  exercise,
  newIncidentId: `inc-${++ids}`,
  sop,
});

/** Runs commands in order, like the service does (state = the incident of the key that is not closed). */
function run(
  steps: Array<[IncidentCommand, number]>,
  start?: IncidentRecord,
): { state: IncidentRecord | undefined; events: IncidentEvent[] } {
  let state = start;
  const events: IncidentEvent[] = [];
  for (const [cmd, now] of steps) {
    const out = decide(cmd, state, ctx(now));
    events.push(...out);
    const folded = foldByIncident(state, out);
    const last = [...folded.values()].pop();
    if (last) state = last;
  }
  return { state, events };
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(isIocError(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('incident decider', () => {
  it('opens an incident from a raise, with evidence, SOP snapshot and system actor', () => {
    const { state, events } = run([[signal(raise(T0)), T0 + 1000]]);
    expect(events.map((e) => e.type)).toEqual(['opened']);
    expect(events[0]).toMatchObject({ actor: SYSTEM_ACTOR, at: T0 });
    expect(state).toMatchObject({
      state: 'open',
      severity: 'moderate',
      exercise: false,
      openedAt: T0,
      evidenceCount: 1,
      sop: { id: 'sop-urban-flooding', version: 3 },
      version: 1,
    });
  });

  it('walks open → acknowledged → assigned → resolved → closed with actor and time on every event', () => {
    const { state, events } = run([
      [signal(raise(T0)), T0],
      [{ kind: 'acknowledge', by: 'op-lan' }, T0 + MIN],
      [{ kind: 'comment', text: '  Camera cam-hv-012 shows water  ', by: 'op-lan' }, T0 + 2 * MIN],
      [{ kind: 'assign', assignee: 'team-drain-1', by: 'sup-minh' }, T0 + 3 * MIN],
      [{ kind: 'complete-sop-step', stepId: 'confirm', by: 'op-lan', note: 'seen on camera' }, T0 + 4 * MIN],
      [{ kind: 'resolve', by: 'team-drain-1', note: 'drains cleared' }, T0 + 60 * MIN],
      [{ kind: 'close', by: 'sup-minh' }, T0 + 70 * MIN],
    ]);
    expect(events.map((e) => [e.type, e.actor, e.at])).toEqual([
      ['opened', 'system', T0],
      ['acknowledged', 'op-lan', T0 + MIN],
      ['commented', 'op-lan', T0 + 2 * MIN],
      ['assigned', 'sup-minh', T0 + 3 * MIN],
      ['sop-step-completed', 'op-lan', T0 + 4 * MIN],
      ['resolved', 'team-drain-1', T0 + 60 * MIN],
      ['closed', 'sup-minh', T0 + 70 * MIN],
    ]);
    expect(events[2]).toMatchObject({ data: { text: 'Camera cam-hv-012 shows water' } });
    expect(state).toMatchObject({
      state: 'closed',
      acknowledgedBy: 'op-lan',
      acknowledgedAt: T0 + MIN,
      assignee: 'team-drain-1',
      resolvedBy: 'team-drain-1',
      resolution: 'drains cleared',
      closedBy: 'sup-minh',
      sopDone: [{ stepId: 'confirm', at: T0 + 4 * MIN, by: 'op-lan', note: 'seen on camera' }],
      version: 7,
    });
  });

  it('rejects invalid transitions with coded errors', () => {
    const open = run([[signal(raise(T0)), T0]]).state!;
    expectCode(() => decide({ kind: 'close', by: 'op' }, open, ctx(T0)), 'INCIDENT_INVALID_TRANSITION');
    expectCode(() => decide({ kind: 'reopen', by: 'op' }, open, ctx(T0)), 'INCIDENT_INVALID_TRANSITION');
    const acked = run([[{ kind: 'acknowledge', by: 'op' }, T0]], open).state!;
    expectCode(() => decide({ kind: 'acknowledge', by: 'op2' }, acked, ctx(T0)), 'INCIDENT_INVALID_TRANSITION');
    const assigned = run([[{ kind: 'assign', assignee: 'a', by: 'op' }, T0]], acked).state!;
    expectCode(
      () => decide({ kind: 'assign', assignee: 'a', by: 'op' }, assigned, ctx(T0)),
      'INCIDENT_INVALID_TRANSITION',
    );
    const closed = run(
      [
        [{ kind: 'resolve', by: 'op' }, T0],
        [{ kind: 'close', by: 'op' }, T0],
      ],
      assigned,
    ).state!;
    for (const cmd of [
      { kind: 'acknowledge', by: 'op' },
      { kind: 'assign', assignee: 'b', by: 'op' },
      { kind: 'resolve', by: 'op' },
      { kind: 'reopen', by: 'op' },
      { kind: 'close', by: 'op' },
      { kind: 'escalate', level: 1 },
      { kind: 'complete-sop-step', stepId: 'confirm', by: 'op' },
    ] as IncidentCommand[]) {
      expectCode(() => decide(cmd, closed, ctx(T0)), 'INCIDENT_INVALID_TRANSITION');
    }
    expectCode(() => decide({ kind: 'acknowledge', by: 'op' }, undefined, ctx(T0)), 'INCIDENT_NOT_FOUND');
  });

  it('rejects malformed commands', () => {
    const open = run([[signal(raise(T0)), T0]]).state!;
    expectCode(() => decide({ kind: 'comment', text: '   ', by: 'op' }, open, ctx(T0)), 'INCIDENT_INVALID_COMMAND');
    expectCode(() => decide({ kind: 'acknowledge', by: SYSTEM_ACTOR }, open, ctx(T0)), 'INCIDENT_INVALID_COMMAND');
    expectCode(() => decide({ kind: 'acknowledge', by: '' }, open, ctx(T0)), 'INCIDENT_INVALID_COMMAND');
    expectCode(() => decide({ kind: 'escalate', level: 0 }, open, ctx(T0)), 'INCIDENT_INVALID_COMMAND');
    expectCode(
      () => decide(signal(raise(T0, { severity: 'huge' as never })), undefined, ctx(T0)),
      'INCIDENT_INVALID_COMMAND',
    );
    expectCode(
      () => decide(signal(raise(T0, { type: 'volcano' as never })), undefined, ctx(T0)),
      'INCIDENT_INVALID_COMMAND',
    );
    expectCode(
      () => decide({ kind: 'complete-sop-step', stepId: 'nope', by: 'op' }, open, ctx(T0)),
      'SOP_STEP_UNKNOWN',
    );
    expectCode(() => validatePolicy({ reopenWindowMs: 10, autoCloseAfterMs: 5 }), 'INCIDENT_INVALID_COMMAND');
  });

  it('assigning an open incident acknowledges it first; reassigning records the previous assignee', () => {
    const { state, events } = run([
      [signal(raise(T0)), T0],
      [{ kind: 'assign', assignee: 'a', by: 'sup' }, T0 + MIN],
      [{ kind: 'assign', assignee: 'b', by: 'sup' }, T0 + 2 * MIN],
    ]);
    expect(events.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'assigned', 'assigned']);
    expect(events[3]).toMatchObject({ data: { assignee: 'b', previous: 'a' } });
    expect(state).toMatchObject({ state: 'assigned', assignee: 'b', acknowledgedBy: 'sup' });
  });

  it('a raise or update of an active key adds only new evidence; severity only rises', () => {
    const { state, events } = run([
      [signal(raise(T0)), T0],
      [signal(raise(T0 + MIN, { evidence: [ev(T0, 'm1'), ev(T0 + MIN, 'm2', 40)] })), T0 + MIN],
      [
        signal({
          op: 'update',
          key: raise(0).key,
          at: T0 + 2 * MIN,
          severity: 'critical',
          evidence: [ev(T0 + 2 * MIN, 'm3', 60)],
        }),
        T0 + 2 * MIN,
      ],
      [
        signal({
          op: 'update',
          key: raise(0).key,
          at: T0 + 3 * MIN,
          severity: 'minor',
          evidence: [ev(T0 + 3 * MIN, 'm4', 25)],
        }),
        T0 + 3 * MIN,
      ],
      [
        signal({ op: 'update', key: raise(0).key, at: T0 + 4 * MIN, evidence: [ev(T0 + 3 * MIN, 'm4', 25)] }),
        T0 + 4 * MIN,
      ],
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'opened',
      'evidence-added',
      'evidence-added',
      'severity-raised',
      'evidence-added',
    ]);
    expect(events[1]).toMatchObject({ data: { evidence: [{ msgId: 'm2' }] } });
    expect(events[3]).toMatchObject({ data: { from: 'moderate', to: 'critical' } });
    expect(state).toMatchObject({ severity: 'critical', evidenceCount: 4, state: 'open' });
  });

  it('splits a large evidence batch into bounded events and keeps only the latest evidence on the record', () => {
    const many = Array.from({ length: 120 }, (_, i) => ev(T0 + i, `big-${i}`));
    const { state, events } = run([[signal(raise(T0, { evidence: many })), T0]]);
    expect(events.map((e) => [e.type, (e.data as { evidence: unknown[] }).evidence.length])).toEqual([
      ['opened', 50],
      ['evidence-added', 50],
      ['evidence-added', 20],
    ]);
    expect(state).toMatchObject({ evidenceCount: 120, version: 3 });
    expect(state!.evidence.map((e) => e.msgId)).toEqual(many.slice(70).map((e) => e.msgId));
  });

  it('an engine clear auto-resolves as system; a repeated clear or one for an unknown key does nothing', () => {
    const { state, events } = run([
      [signal(raise(T0)), T0],
      [{ kind: 'acknowledge', by: 'op' }, T0 + MIN],
      [
        signal({ op: 'clear', key: raise(0).key, at: T0 + 40 * MIN, reason: 'level below 15 cm for 10 min' }),
        T0 + 40 * MIN,
      ],
      [signal({ op: 'clear', key: raise(0).key, at: T0 + 41 * MIN, reason: 'again' }), T0 + 41 * MIN],
    ]);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['opened', 'system'],
      ['acknowledged', 'op'],
      ['resolved', 'system'],
    ]);
    expect(state).toMatchObject({
      state: 'resolved',
      resolvedBy: SYSTEM_ACTOR,
      resolution: 'level below 15 cm for 10 min',
    });
    expect(decide(signal({ op: 'clear', key: 'other', at: T0, reason: 'x' }), undefined, ctx(T0))).toEqual([]);
    expect(decide(signal({ op: 'update', key: 'other', at: T0, evidence: [] }), undefined, ctx(T0))).toEqual([]);
  });

  it('a raise within the reopen window reopens the same incident; after it, the old one closes and a new one opens', () => {
    const cleared = run([
      [signal(raise(T0)), T0],
      [{ kind: 'assign', assignee: 'a', by: 'sup' }, T0 + MIN],
      [signal({ op: 'clear', key: raise(0).key, at: T0 + 20 * MIN, reason: 'below' }), T0 + 20 * MIN],
    ]).state!;
    const within = decide(
      signal(raise(T0 + 45 * MIN, { severity: 'major', evidence: [ev(T0 + 45 * MIN, 'm9', 50)] })),
      cleared,
      ctx(T0 + 45 * MIN),
    );
    expect(within.map((e) => [e.type, e.incidentId])).toEqual([
      ['reopened', cleared.id],
      ['evidence-added', cleared.id],
      ['severity-raised', cleared.id],
    ]);
    const reopened = foldByIncident(cleared, within).get(cleared.id)!;
    expect(reopened).toMatchObject({ state: 'open', reopenCount: 1, severity: 'major' });
    expect(reopened.assignee).toBeUndefined();
    expect(reopened.resolvedAt).toBeUndefined();

    const cmd = signal(raise(T0 + 51 * MIN));
    const after = decide(cmd, cleared, ctx(T0 + 51 * MIN));
    expect(after.map((e) => [e.type, e.incidentId])).toEqual([
      ['closed', cleared.id],
      ['opened', (cmd as { newIncidentId: string }).newIncidentId],
    ]);
    expect(after[0]).toMatchObject({ data: { reason: 'superseded' }, actor: SYSTEM_ACTOR });
  });

  it('operators reopen resolved incidents; closed ones stay closed and a raise opens a new incident', () => {
    const resolved = run([
      [signal(raise(T0)), T0],
      [{ kind: 'resolve', by: 'op', note: 'false positive' }, T0 + MIN],
    ]).state!;
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'op' });
    const reopened = run([[{ kind: 'reopen', by: 'sup', reason: 'still flooded' }, T0 + 2 * MIN]], resolved);
    expect(reopened.events[0]).toMatchObject({
      type: 'reopened',
      actor: 'sup',
      data: { reason: 'still flooded', auto: false },
    });
    const closed = run(
      [
        [{ kind: 'resolve', by: 'op' }, T0 + 3 * MIN],
        [{ kind: 'close', by: 'op' }, T0 + 4 * MIN],
      ],
      reopened.state,
    ).state!;
    const cmd = signal(raise(T0 + 5 * MIN));
    expect(decide(cmd, closed, ctx(T0 + 5 * MIN)).map((e) => [e.type, e.incidentId])).toEqual([
      ['opened', (cmd as { newIncidentId: string }).newIncidentId],
    ]);
  });

  it('auto-close closes a resolved incident only when its time has come (a timer can repeat safely)', () => {
    const resolved = run([
      [signal(raise(T0)), T0],
      [signal({ op: 'clear', key: raise(0).key, at: T0 + MIN, reason: 'below' }), T0 + MIN],
    ]).state!;
    expect(decide({ kind: 'auto-close' }, resolved, ctx(T0 + MIN + policy.autoCloseAfterMs - 1))).toEqual([]);
    const events = decide({ kind: 'auto-close' }, resolved, ctx(T0 + MIN + policy.autoCloseAfterMs));
    expect(events).toEqual([
      {
        type: 'closed',
        incidentId: resolved.id,
        at: T0 + MIN + policy.autoCloseAfterMs,
        actor: SYSTEM_ACTOR,
        data: { reason: 'auto-close' },
      },
    ]);
    const open = run([[signal(raise(T0)), T0]]).state!;
    expect(decide({ kind: 'auto-close' }, open, ctx(T0 + 10 * policy.autoCloseAfterMs))).toEqual([]);
  });

  it('escalates level by level once; a level already reached is a no-op; the level survives a reopen', () => {
    const { state, events } = run([
      [signal(raise(T0, { severity: 'critical' })), T0],
      [{ kind: 'escalate', level: 1 }, T0 + 5 * MIN],
      [{ kind: 'escalate', level: 1 }, T0 + 6 * MIN],
      [{ kind: 'escalate', level: 2, by: 'sup-minh' }, T0 + 10 * MIN],
      [signal({ op: 'clear', key: raise(0).key, at: T0 + 11 * MIN, reason: 'below' }), T0 + 11 * MIN],
      [signal(raise(T0 + 12 * MIN, { severity: 'critical' })), T0 + 12 * MIN],
      [{ kind: 'escalate', level: 2 }, T0 + 17 * MIN],
    ]);
    expect(events.filter((e) => e.type === 'escalated').map((e) => [e.actor, e.data])).toEqual([
      ['system', { level: 1 }],
      ['sup-minh', { level: 2 }],
    ]);
    expect(state).toMatchObject({ escalationLevel: 2, state: 'open', reopenCount: 1 });
  });

  it('SOP steps complete once and only with an SOP attached', () => {
    const open = run([[signal(raise(T0)), T0]]).state!;
    const done = run([[{ kind: 'complete-sop-step', stepId: 'confirm', by: 'op' }, T0 + MIN]], open).state!;
    expectCode(
      () => decide({ kind: 'complete-sop-step', stepId: 'confirm', by: 'op' }, done, ctx(T0)),
      'INCIDENT_INVALID_TRANSITION',
    );
    const bare = decide(
      { kind: 'apply-signal', signal: raise(T0), exercise: false, newIncidentId: 'x' },
      undefined,
      ctx(T0),
    );
    const noSop = evolve(undefined, bare[0]);
    expectCode(
      () => decide({ kind: 'complete-sop-step', stepId: 'confirm', by: 'op' }, noSop, ctx(T0)),
      'SOP_NOT_FOUND',
    );
  });

  it('keeps the exercise flag and refuses to mix an exercise signal into a live incident', () => {
    const ex = run([[signal(raise(T0), true), T0]]).state!;
    expect(ex.exercise).toBe(true);
    expectCode(() => decide(signal(raise(T0 + MIN), false), ex, ctx(T0 + MIN)), 'INCIDENT_INVALID_COMMAND');
  });

  it('is deterministic: the same commands give the same events', () => {
    const script = (): Array<[IncidentCommand, number]> => [
      [{ kind: 'apply-signal', signal: raise(T0), exercise: false, newIncidentId: 'fixed', sop }, T0],
      [{ kind: 'acknowledge', by: 'op' }, T0 + MIN],
      [
        {
          kind: 'apply-signal',
          signal: { op: 'clear', key: raise(0).key, at: T0 + 2 * MIN, reason: 'r' },
          exercise: false,
          newIncidentId: 'unused',
        },
        T0 + 2 * MIN,
      ],
    ];
    expect(JSON.stringify(run(script()).events)).toBe(JSON.stringify(run(script()).events));
  });
});
