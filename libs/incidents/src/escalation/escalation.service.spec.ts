import pino from 'pino';
import type { IncidentNotification, Notifier } from '@ioc/domain';
import type { Clock } from '@ioc/platform';
import { parseEscalationPolicy, type EscalationIncident, type EscalationStep } from './escalation-policy';
import {
  ESCALATION_FAULT_POINTS,
  type EscalationFaultPoint,
  type EscalationScheduler,
  type NotificationLedger,
} from './escalation.ports';
import { EscalationService } from './escalation.service';

const MIN = 60_000;
const T0 = Date.parse('2026-11-21T03:00:00.000Z');
const ID = '6f1b1d3e-4c57-4b8a-9f00-000000000001';

const policy = parseEscalationPolicy(`
version: 1
channel: console
severities:
  critical:
    levels:
      - { after: 5m, notify: [supervisor] }
      - { after: 15m, notify: [duty-manager] }
    reminders: { every: 10m, max: 2, notify: [supervisor, duty-manager] }
`);

/** Typed in-memory fakes of the ports (the integration tests use the real ones). */
class FakeIncidents {
  readonly byId = new Map<string, EscalationIncident>();
  async get(id: string) {
    return this.byId.get(id);
  }
}

class FakeLedger implements NotificationLedger {
  readonly rows = new Map<string, IncidentNotification>();
  private seq = 0;
  async claim(n: Omit<IncidentNotification, 'id' | 'deliveredAt'>) {
    const key = `${n.incidentId}/${n.level}`;
    const existing = this.rows.get(key);
    if (existing) return { notification: existing, created: false };
    const row = { ...n, id: `n-${++this.seq}` };
    this.rows.set(key, row);
    return { notification: row, created: true };
  }
  async get(incidentId: string, level: number) {
    return this.rows.get(`${incidentId}/${level}`);
  }
  async markDelivered(id: string, at: number) {
    for (const [k, r] of this.rows)
      if (r.id === id && r.deliveredAt === undefined) return (this.rows.set(k, { ...r, deliveredAt: at }), true);
    return false;
  }
  async lastLevel(incidentId: string) {
    return Math.max(0, ...[...this.rows.values()].filter((r) => r.incidentId === incidentId).map((r) => r.level));
  }
}

class FakeNotifier implements Notifier {
  readonly calls: string[] = [];
  readonly delivered = new Map<string, IncidentNotification>();
  async deliver(n: IncidentNotification) {
    this.calls.push(n.id);
    const duplicate = this.delivered.has(n.id);
    if (!duplicate) this.delivered.set(n.id, n);
    return { ref: `ref-${n.id}`, duplicate };
  }
}

class FakeScheduler implements EscalationScheduler {
  readonly scheduled: Array<{ incidentId: string; step: EscalationStep }> = [];
  readonly cancelled: Array<[string, number]> = [];
  async schedule(incidentId: string, step: EscalationStep) {
    this.scheduled.push({ incidentId, step });
  }
  async cancel(incidentId: string, level: number) {
    this.cancelled.push([incidentId, level]);
    return true;
  }
}

function setup(faults?: (point: EscalationFaultPoint) => void) {
  let now = T0;
  const clock: Clock = { now: () => new Date(now), nowMs: () => now };
  const incidents = new FakeIncidents();
  const ledger = new FakeLedger();
  const notifier = new FakeNotifier();
  const scheduler = new FakeScheduler();
  const service = new EscalationService(incidents, ledger, notifier, scheduler, {
    policy,
    clock,
    logger: pino({ level: 'silent' }),
    faults,
  });
  incidents.byId.set(ID, { id: ID, severity: 'critical', state: 'open', openedAt: T0 });
  return { service, incidents, ledger, notifier, scheduler, setNow: (t: number) => (now = t) };
}

describe('EscalationService', () => {
  it('schedules the first level when asked, and nothing for an unknown incident', async () => {
    const s = setup();
    expect(await s.service.schedule(ID)).toEqual({
      level: 1,
      kind: 'escalation',
      dueAt: T0 + 5 * MIN,
      recipients: ['supervisor'],
    });
    expect(s.scheduler.scheduled).toEqual([
      { incidentId: ID, step: { level: 1, kind: 'escalation', dueAt: T0 + 5 * MIN, recipients: ['supervisor'] } },
    ]);
    expect(await s.service.schedule('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('sends a due level once, records it delivered and schedules the next', async () => {
    const s = setup();
    s.setNow(T0 + 5 * MIN + 3);
    const out = await s.service.escalate(ID, 1);
    expect(out).toMatchObject({ outcome: 'notified', level: 1, next: { level: 2, dueAt: T0 + 15 * MIN } });
    expect([...s.notifier.delivered.values()]).toEqual([
      {
        id: 'n-1',
        incidentId: ID,
        level: 1,
        kind: 'escalation',
        recipients: ['supervisor'],
        channel: 'console',
        createdAt: T0 + 5 * MIN + 3,
      },
    ]);
    expect((await s.ledger.get(ID, 1))?.deliveredAt).toBe(T0 + 5 * MIN + 3);
    expect(s.scheduler.scheduled.map((x) => x.step.level)).toEqual([2]);

    // The same job again (a duplicate, or a retry after completion): nothing new is sent.
    expect(await s.service.escalate(ID, 1)).toMatchObject({ outcome: 'already-notified', notificationId: 'n-1' });
    expect(s.notifier.calls).toEqual(['n-1']);
  });

  it('runs the whole ladder: two levels, then bounded reminders', async () => {
    const s = setup();
    for (const [level, at] of [
      [1, 5],
      [2, 15],
      [3, 25],
      [4, 35],
    ] as const) {
      s.setNow(T0 + at * MIN);
      expect(await s.service.escalate(ID, level)).toMatchObject({ outcome: 'notified', level });
    }
    expect([...s.notifier.delivered.values()].map((n) => [n.level, n.kind, n.recipients.join('+')])).toEqual([
      [1, 'escalation', 'supervisor'],
      [2, 'escalation', 'duty-manager'],
      [3, 'reminder', 'supervisor+duty-manager'],
      [4, 'reminder', 'supervisor+duty-manager'],
    ]);
    // The last reminder schedules nothing after it.
    expect(s.scheduler.scheduled.map((x) => x.step.level)).toEqual([2, 3, 4]);
  });

  it('sends nothing once the incident is acknowledged, and cancel drops the pending timer', async () => {
    const s = setup();
    s.incidents.byId.set(ID, {
      id: ID,
      severity: 'critical',
      state: 'acknowledged',
      openedAt: T0,
      acknowledgedAt: T0 + MIN,
    });
    s.setNow(T0 + 5 * MIN);
    expect(await s.service.escalate(ID, 1)).toEqual({ outcome: 'obsolete', level: 1, reason: 'not-open' });
    expect(await s.service.cancel(ID)).toBe(true);
    expect(s.scheduler.cancelled).toEqual([[ID, 1]]);
    expect(s.notifier.calls).toEqual([]);
    expect(await s.service.escalate('00000000-0000-4000-8000-000000000000', 1)).toMatchObject({
      outcome: 'obsolete',
      reason: 'incident-not-found',
    });
  });

  it('says not-due when a timer fires early, and supersedes a level that is no longer next', async () => {
    const s = setup();
    s.setNow(T0 + 2 * MIN);
    expect(await s.service.escalate(ID, 1)).toEqual({ outcome: 'not-due', level: 1, dueAt: T0 + 5 * MIN });
    s.setNow(T0 + 20 * MIN);
    expect(await s.service.escalate(ID, 2)).toMatchObject({ outcome: 'superseded', level: 2, next: { level: 1 } });
    expect(s.notifier.calls).toEqual([]);
  });

  it.each(ESCALATION_FAULT_POINTS)('a worker dying at %s: the retry delivers exactly once', async (point) => {
    let armed = true;
    const s = setup((p) => {
      if (armed && p === point) {
        armed = false;
        throw new Error(`killed at ${p}`);
      }
    });
    s.setNow(T0 + 5 * MIN);
    await expect(s.service.escalate(ID, 1)).rejects.toThrow(`killed at ${point}`);
    s.setNow(T0 + 5 * MIN + 30_000);
    expect(await s.service.escalate(ID, 1)).toMatchObject({
      outcome: point === 'after-mark' ? 'already-notified' : 'notified',
      level: 1,
    });
    expect(s.notifier.delivered.size).toBe(1);
    expect(s.ledger.rows.size).toBe(1);
    expect((await s.ledger.get(ID, 1))?.deliveredAt).toBeDefined();
    // Only a crash between delivery and bookkeeping makes the notifier see the id twice; it reports the duplicate.
    expect(s.notifier.calls).toHaveLength(point === 'after-deliver' ? 2 : 1);
    expect(s.scheduler.scheduled.at(-1)?.step.level).toBe(2);
  });

  it('finishes a claimed level even if the incident was acknowledged before the retry', async () => {
    const s = setup((p) => {
      if (p === 'after-claim' && s.ledger.rows.size === 1 && s.notifier.calls.length === 0) throw new Error('killed');
    });
    s.setNow(T0 + 5 * MIN);
    await expect(s.service.escalate(ID, 1)).rejects.toThrow('killed');
    s.incidents.byId.set(ID, {
      id: ID,
      severity: 'critical',
      state: 'acknowledged',
      openedAt: T0,
      acknowledgedAt: T0 + 5 * MIN + 1,
    });
    expect(await s.service.escalate(ID, 1)).toEqual({ outcome: 'notified', level: 1, notificationId: 'n-1' });
    expect(s.notifier.delivered.size).toBe(1);
    expect(s.scheduler.scheduled).toEqual([]);
  });
});
