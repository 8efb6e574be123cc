import { isIocError } from '@ioc/platform';
import type { StoredIncidentEvent } from '@ioc/domain';
import {
  escalationsWouldFire,
  loadEscalationPolicy,
  nextEscalationStep,
  parseDuration,
  parseEscalationPolicy,
  planNextEscalation,
  type EscalationIncident,
  type EscalationPolicy,
} from './escalation-policy';

const MIN = 60_000;
const T0 = Date.parse('2026-11-21T03:00:00.000Z');

const POLICY = `
version: 1
channel: console
severities:
  critical:
    levels:
      - { after: 5m, notify: [supervisor] }
      - { after: 15m, notify: [duty-manager] }
    reminders: { every: 10m, max: 3, notify: [supervisor, duty-manager] }
  major:
    levels:
      - { after: 15m, notify: [supervisor] }
  moderate:
    reminders: { every: 1h, max: 2, notify: [operator] }
`;

const incident = (over: Partial<EscalationIncident> = {}): EscalationIncident => ({
  id: 'b3c1f7a0-0000-4000-8000-000000000001',
  severity: 'critical',
  state: 'open',
  openedAt: T0,
  ...over,
});

function expectPolicyError(text: string, fragment: string): void {
  try {
    parseEscalationPolicy(text, 'test.yaml');
  } catch (err) {
    expect(isIocError(err, 'ESCALATION_POLICY_INVALID')).toBe(true);
    expect((err as Error).message).toContain('test.yaml');
    expect((err as Error).message).toContain(fragment);
    return;
  }
  throw new Error('policy accepted');
}

describe('escalation policy', () => {
  const policy = parseEscalationPolicy(POLICY);

  it('parses durations', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('5m'),
      parseDuration('2h'),
      parseDuration('1.5s'),
    ]).toEqual([500, 30_000, 300_000, 7_200_000, 1500]);
    expect(() => parseDuration('5 minutes')).toThrow('not a duration');
  });

  it('reads the ladder per severity', () => {
    expect(policy).toEqual<EscalationPolicy>({
      channel: 'console',
      severities: {
        critical: {
          levels: [
            { afterMs: 5 * MIN, notify: ['supervisor'] },
            { afterMs: 15 * MIN, notify: ['duty-manager'] },
          ],
          reminders: { everyMs: 10 * MIN, max: 3, notify: ['supervisor', 'duty-manager'] },
        },
        major: { levels: [{ afterMs: 15 * MIN, notify: ['supervisor'] }] },
        moderate: { levels: [], reminders: { everyMs: 60 * MIN, max: 2, notify: ['operator'] } },
      },
    });
  });

  it('loads and validates the shipped seeds/escalation.yaml', () => {
    const shipped = loadEscalationPolicy();
    expect(shipped.severities.critical?.levels.map((l) => [l.afterMs, l.notify])).toEqual([
      [5 * MIN, ['supervisor']],
      [15 * MIN, ['duty-manager']],
    ]);
    expect(shipped.severities.critical?.reminders?.max).toBeGreaterThan(0);
    expect(shipped.severities.minor).toBeUndefined();
  });

  it('refuses invalid policies, naming the field', () => {
    expectPolicyError(
      'version: 1\nchannel: console\nseverities:\n  critical:\n    levels:\n      - { after: 15m, notify: [supervisor] }\n      - { after: 5m, notify: [duty-manager] }\n',
      'strictly later',
    );
    expectPolicyError(
      'version: 1\nchannel: console\nseverities:\n  critical:\n    levels:\n      - { after: soon, notify: [supervisor] }\n',
      'severities.critical.levels.0.after',
    );
    expectPolicyError(
      'version: 1\nchannel: console\nseverities:\n  critical:\n    levels:\n      - { after: 5m, notify: [mayor] }\n',
      'notify',
    );
    expectPolicyError(
      'version: 1\nchannel: console\nseverities:\n  catastrophic:\n    levels:\n      - { after: 5m, notify: [supervisor] }\n',
      'catastrophic',
    );
    expectPolicyError('version: 1\nchannel: console\nseverities:\n  critical: {}\n', 'levels or reminders');
    expectPolicyError(
      'version: 1\nchannel: console\nseverities:\n  critical:\n    reminders: { every: 0s, max: 2, notify: [supervisor] }\n',
      'longer than 0',
    );
    expectPolicyError('version: 2\nchannel: console\nseverities: {}\n', 'version');
    expectPolicyError('version: 1\nchannel: console\nseverities: {}\nextra: 1\n', 'extra');
    expectPolicyError('version: 1\n  channel: [', 'not YAML');
  });
});

describe('planNextEscalation', () => {
  const policy = parseEscalationPolicy(POLICY);

  it('plans level 1 after opening, then level 2, then reminders from the last level', () => {
    expect(planNextEscalation(incident(), policy, 0, T0)).toEqual({
      level: 1,
      kind: 'escalation',
      dueAt: T0 + 5 * MIN,
      recipients: ['supervisor'],
    });
    expect(planNextEscalation(incident(), policy, 1, T0 + 5 * MIN)).toEqual({
      level: 2,
      kind: 'escalation',
      dueAt: T0 + 15 * MIN,
      recipients: ['duty-manager'],
    });
    expect(planNextEscalation(incident(), policy, 2, T0 + 15 * MIN)).toEqual({
      level: 3,
      kind: 'reminder',
      dueAt: T0 + 25 * MIN,
      recipients: ['supervisor', 'duty-manager'],
    });
    expect(planNextEscalation(incident(), policy, 3, T0 + 25 * MIN)?.dueAt).toBe(T0 + 35 * MIN);
    expect(planNextEscalation(incident(), policy, 4, T0 + 35 * MIN)).toMatchObject({ level: 5, dueAt: T0 + 45 * MIN });
  });

  it('stops after the last reminder (bounded)', () => {
    expect(planNextEscalation(incident(), policy, 5, T0 + 45 * MIN)).toBeUndefined();
    expect(planNextEscalation(incident({ severity: 'major' }), policy, 1, T0 + 15 * MIN)).toBeUndefined();
  });

  it('plans nothing once the incident is no longer open', () => {
    for (const state of ['acknowledged', 'assigned', 'resolved', 'closed'] as const) {
      expect(
        planNextEscalation(incident({ state, acknowledgedAt: T0 + MIN }), policy, 0, T0 + 10 * MIN),
      ).toBeUndefined();
    }
    // The cancellation path still finds the level that would have been next.
    expect(nextEscalationStep(policy, 'critical', T0, 1, T0 + 6 * MIN)?.level).toBe(2);
  });

  it('never escalates severities the policy leaves out', () => {
    expect(planNextEscalation(incident({ severity: 'minor' }), policy, 0, T0 + 999 * MIN)).toBeUndefined();
  });

  it('counts due times from openedAt, however late the previous level was sent', () => {
    // Level 1 went out 7 minutes late; level 2 stays due at 15 minutes.
    expect(planNextEscalation(incident(), policy, 1, T0 + 12 * MIN)?.dueAt).toBe(T0 + 15 * MIN);
  });

  it('never skips an escalation level, even long overdue', () => {
    expect(planNextEscalation(incident(), policy, 0, T0 + 60 * MIN)).toMatchObject({ level: 1, dueAt: T0 + 5 * MIN });
    expect(planNextEscalation(incident(), policy, 1, T0 + 60 * MIN)).toMatchObject({ level: 2, dueAt: T0 + 15 * MIN });
  });

  it('collapses missed reminders into the latest one due', () => {
    // Workers down from 20 to 47 minutes: reminders of 25 and 35 minutes were missed; the one of 45 is sent.
    expect(planNextEscalation(incident(), policy, 2, T0 + 47 * MIN)).toMatchObject({
      level: 5,
      kind: 'reminder',
      dueAt: T0 + 45 * MIN,
    });
    // Beyond the last reminder, the last one (bounded by max).
    expect(planNextEscalation(incident(), policy, 2, T0 + 500 * MIN)).toMatchObject({ level: 5, dueAt: T0 + 45 * MIN });
    // A job firing a few ms early still plans its own level.
    expect(planNextEscalation(incident(), policy, 2, T0 + 25 * MIN - 3)).toMatchObject({
      level: 3,
      dueAt: T0 + 25 * MIN,
    });
  });

  it('anchors reminders at openedAt when a severity has no levels', () => {
    expect(planNextEscalation(incident({ severity: 'moderate' }), policy, 0, T0)).toMatchObject({
      level: 1,
      kind: 'reminder',
      dueAt: T0 + 60 * MIN,
      recipients: ['operator'],
    });
    expect(planNextEscalation(incident({ severity: 'moderate' }), policy, 2, T0 + 200 * MIN)).toBeUndefined();
  });

  it('follows the current severity', () => {
    // Major had its level 1; now critical: level 2 of the critical ladder (duty manager at 15 minutes).
    expect(planNextEscalation(incident({ severity: 'critical' }), policy, 1, T0 + 16 * MIN)).toMatchObject({
      level: 2,
      recipients: ['duty-manager'],
    });
  });
});

describe('escalationsWouldFire (an exercise incident, which pages nobody)', () => {
  const policy = parseEscalationPolicy(POLICY);
  let seq = 0;
  const event = (type: string, at: number, data: Record<string, unknown> = {}): StoredIncidentEvent =>
    ({ incidentId: 'i-1', at, actor: 'system', type, data, seq: ++seq, version: seq }) as StoredIncidentEvent;
  const opened = (severity: string) => event('opened', T0, { severity });

  it('lists every level and every reminder due before anyone answered, none collapsed', () => {
    const steps = escalationsWouldFire(policy, T0, [opened('critical')], T0 + 50 * MIN);
    expect(steps.map((s) => [s.level, s.kind, (s.dueAt - T0) / MIN])).toEqual([
      [1, 'escalation', 5],
      [2, 'escalation', 15],
      [3, 'reminder', 25],
      [4, 'reminder', 35],
      [5, 'reminder', 45],
    ]);
  });

  it('stops at the first answer: acknowledged, assigned, resolved or closed; or at the end of the drill', () => {
    for (const type of ['acknowledged', 'assigned', 'resolved', 'closed'])
      expect(
        escalationsWouldFire(policy, T0, [opened('critical'), event(type, T0 + 10 * MIN)], T0 + 60 * MIN).map(
          (s) => s.level,
        ),
      ).toEqual([1]);
    expect(escalationsWouldFire(policy, T0, [opened('critical')], T0 + 5 * MIN)).toEqual([]);
    // A comment is no answer.
    expect(
      escalationsWouldFire(policy, T0, [opened('critical'), event('commented', T0 + MIN)], T0 + 16 * MIN),
    ).toHaveLength(2);
  });

  it('follows the highest severity reached before the answer; a severity left out never escalates', () => {
    expect(escalationsWouldFire(policy, T0, [opened('minor')], T0 + 600 * MIN)).toEqual([]);
    const raised = [opened('minor'), event('severity-raised', T0 + MIN, { from: 'minor', to: 'major' })];
    expect(escalationsWouldFire(policy, T0, raised, T0 + 60 * MIN).map((s) => [s.level, s.recipients])).toEqual([
      [1, ['supervisor']],
    ]);
    // Raised only after it was acknowledged: the minor ladder (none) is the one that counted.
    const late = [
      opened('minor'),
      event('acknowledged', T0 + MIN),
      event('severity-raised', T0 + 2 * MIN, { from: 'minor', to: 'critical' }),
    ];
    expect(escalationsWouldFire(policy, T0, late, T0 + 60 * MIN)).toEqual([]);
  });
});
