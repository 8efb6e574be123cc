import type { Logger } from 'pino';
import type { IncidentNotification, Notifier } from '@ioc/domain';
import type { Clock } from '@ioc/platform';
import {
  nextEscalationStep,
  planNextEscalation,
  type EscalationPolicy,
  type EscalationStep,
} from './escalation-policy';
import type {
  EscalationFaultHook,
  EscalationIncidentPort,
  EscalationScheduler,
  NotificationLedger,
} from './escalation.ports';

export type EscalationOutcome =
  /** This run sent the level (or finished a delivery an earlier, crashed run had claimed). */
  | {
      readonly outcome: 'notified';
      readonly level: number;
      readonly notificationId: string;
      readonly next?: EscalationStep;
    }
  /** An earlier run sent it already; only the next timer was (re)made sure of. */
  | {
      readonly outcome: 'already-notified';
      readonly level: number;
      readonly notificationId: string;
      readonly next?: EscalationStep;
    }
  /** The job fired before its level is due (the plan moved later): run it again at dueAt. */
  | { readonly outcome: 'not-due'; readonly level: number; readonly dueAt: number }
  /** Another level is next (reminders collapsed, severity changed): its timer was scheduled instead. */
  | { readonly outcome: 'superseded'; readonly level: number; readonly next: EscalationStep }
  /** Nothing to send: the incident is gone, no longer open (acknowledged or later), or its ladder is done. */
  | {
      readonly outcome: 'obsolete';
      readonly level: number;
      readonly reason: 'incident-not-found' | 'not-open' | 'ladder-done';
    };

export interface EscalationServiceOptions {
  readonly policy: EscalationPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A job may fire this much before its due time (clocks of producer and worker hosts differ) and still send. */
  readonly earlyToleranceMs?: number;
  /** Crash tests only: called at each point where a worker may die. */
  readonly faults?: EscalationFaultHook;
}

/**
 * Escalation of unacknowledged incidents. A timer per (incident, level) fires `escalate`, which re-reads the incident
 * and sends the level at most once:
 *
 * 1. the ledger row (incident, level) is the claim: inserted once (unique key), durable before anything is sent;
 * 2. the notifier delivers with the row's id as idempotency key, then the row is marked delivered;
 * 3. the next level's timer is scheduled (deterministic job id: scheduling twice adds one job).
 *
 * A worker dying anywhere in between leaves its job to be retried (BullMQ stalled-job recovery). The retry finds the
 * row and only completes what is missing: before the claim, nothing exists (it claims now); after the claim, it
 * delivers; after delivery, the notifier returns the first delivery (nothing is sent twice) and the row is marked;
 * after marking, it only schedules the next timer. So each (incident, level) is sent exactly once.
 */
export class EscalationService {
  private readonly earlyToleranceMs: number;

  constructor(
    private readonly incidents: EscalationIncidentPort,
    private readonly ledger: NotificationLedger,
    private readonly notifier: Notifier,
    private readonly scheduler: EscalationScheduler,
    private readonly opts: EscalationServiceOptions,
  ) {
    this.earlyToleranceMs = opts.earlyToleranceMs ?? 1000;
  }

  /**
   * Makes sure the incident's next level has its timer. Called by the lifecycle when an incident opens or its severity
   * changes (and safe to call any time: it schedules nothing twice). Returns the step scheduled, if any.
   */
  async schedule(incidentId: string): Promise<EscalationStep | undefined> {
    const incident = await this.incidents.get(incidentId);
    if (!incident) return undefined;
    const step = planNextEscalation(
      incident,
      this.opts.policy,
      await this.ledger.lastLevel(incidentId),
      this.opts.clock.nowMs(),
    );
    if (step) await this.scheduler.schedule(incidentId, step);
    return step;
  }

  /**
   * Called when the incident is acknowledged: drops the pending timer. Only an optimisation — a timer that fires
   * anyway finds the incident no longer open and sends nothing.
   */
  async cancel(incidentId: string): Promise<boolean> {
    const incident = await this.incidents.get(incidentId);
    if (!incident) return false;
    const step = nextEscalationStep(
      this.opts.policy,
      incident.severity,
      incident.openedAt,
      await this.ledger.lastLevel(incidentId),
      this.opts.clock.nowMs(),
    );
    return step ? this.scheduler.cancel(incidentId, step.level) : false;
  }

  /** The escalate-incident job: send level `level` of the incident if it is due and still needed (see the class). */
  async escalate(incidentId: string, level: number): Promise<EscalationOutcome> {
    const claimed = await this.ledger.get(incidentId, level);
    if (claimed) {
      // An earlier run claimed this level: the decision stands (it was taken while the incident was open); finish it.
      const pending = claimed.deliveredAt === undefined;
      if (pending) await this.deliver(claimed);
      const next = await this.scheduleAfter(incidentId, level);
      return {
        outcome: pending ? 'notified' : 'already-notified',
        level,
        notificationId: claimed.id,
        ...(next && { next }),
      };
    }

    const incident = await this.incidents.get(incidentId);
    if (!incident) return { outcome: 'obsolete', level, reason: 'incident-not-found' };
    if (incident.state !== 'open') return { outcome: 'obsolete', level, reason: 'not-open' };
    const now = this.opts.clock.nowMs();
    const step = planNextEscalation(incident, this.opts.policy, await this.ledger.lastLevel(incidentId), now);
    if (!step) return { outcome: 'obsolete', level, reason: 'ladder-done' };
    if (step.level !== level) {
      await this.scheduler.schedule(incidentId, step);
      return { outcome: 'superseded', level, next: step };
    }
    if (step.dueAt > now + this.earlyToleranceMs) return { outcome: 'not-due', level, dueAt: step.dueAt };

    await this.fault('before-claim', incidentId, level);
    const { notification } = await this.ledger.claim({
      incidentId,
      level,
      kind: step.kind,
      recipients: step.recipients,
      channel: this.opts.policy.channel,
      createdAt: now,
    });
    await this.fault('after-claim', incidentId, level);
    // A concurrent run (a stalled worker that came back) may have claimed and even delivered it: delivery is idempotent.
    if (notification.deliveredAt === undefined) await this.deliver(notification);
    const next = planNextEscalation(incident, this.opts.policy, level, this.opts.clock.nowMs());
    if (next) await this.scheduler.schedule(incidentId, next);
    this.opts.logger.info(
      { incidentId, level, kind: step.kind, notificationId: notification.id, recipients: step.recipients, next },
      'incident escalated',
    );
    return { outcome: 'notified', level, notificationId: notification.id, ...(next && { next }) };
  }

  private async deliver(n: IncidentNotification): Promise<void> {
    await this.notifier.deliver(n);
    await this.fault('after-deliver', n.incidentId, n.level);
    await this.ledger.markDelivered(n.id, this.opts.clock.nowMs());
    await this.fault('after-mark', n.incidentId, n.level);
  }

  /** After level `level` was sent: the timer of the one after it, while the incident is open. */
  private async scheduleAfter(incidentId: string, level: number): Promise<EscalationStep | undefined> {
    const incident = await this.incidents.get(incidentId);
    if (!incident) return undefined;
    const last = Math.max(level, await this.ledger.lastLevel(incidentId));
    const next = planNextEscalation(incident, this.opts.policy, last, this.opts.clock.nowMs());
    if (next) await this.scheduler.schedule(incidentId, next);
    return next;
  }

  private async fault(point: Parameters<EscalationFaultHook>[0], incidentId: string, level: number): Promise<void> {
    if (this.opts.faults) await this.opts.faults(point, { incidentId, level });
  }
}
