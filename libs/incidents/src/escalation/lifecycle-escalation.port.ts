import type { IncidentNotification, Notifier, StoredIncidentEvent } from '@ioc/domain';
import type { IncidentRepository } from '@ioc/storage';
import { IncidentError } from '../incident.errors';
import type { IncidentService } from '../incident.service';
import type { EscalationIncident } from './escalation-policy';
import type { EscalationIncidentPort } from './escalation.ports';

/**
 * The escalation timers read incidents from the lifecycle's table. Exercise incidents are invisible here, so a
 * trainer's exercise never pages a real supervisor (their escalation is scored by the replay tooling instead).
 */
export class LifecycleEscalationPort implements EscalationIncidentPort {
  constructor(private readonly repo: IncidentRepository) {}

  async get(incidentId: string): Promise<EscalationIncident | undefined> {
    const i = await this.repo.findById(incidentId);
    if (!i || i.exercise) return undefined;
    return {
      id: i.id,
      severity: i.severity,
      state: i.state,
      openedAt: i.openedAt,
      ...(i.acknowledgedAt !== undefined && { acknowledgedAt: i.acknowledgedAt }),
    };
  }
}

/**
 * Delivers a notification, then records the level reached in the incident's audit trail and hands the `escalated`
 * event to the operators' sockets (`published`: the incident-event stream; a lost append is filled from the database
 * by seq). Both steps are idempotent (the notifier by notification id, the lifecycle ignores a level already reached),
 * so a retried job repeats neither.
 */
export class AuditedNotifier implements Notifier {
  constructor(
    private readonly inner: Notifier,
    private readonly incidents: Pick<IncidentService, 'escalate'>,
    private readonly published: (events: readonly StoredIncidentEvent[]) => Promise<unknown> = async () => undefined,
  ) {}

  async deliver(n: IncidentNotification): Promise<{ readonly ref: string; readonly duplicate: boolean }> {
    const result = await this.inner.deliver(n);
    try {
      const change = await this.incidents.escalate(n.incidentId, n.level);
      if (change.events.length) await this.published(change.events).catch(() => undefined);
    } catch (err) {
      // Resolved in the meantime: the notification went out, the audit keeps the resolution as the last word.
      if (!(err instanceof IncidentError && err.code === 'INCIDENT_INVALID_TRANSITION')) throw err;
    }
    return result;
  }
}
