import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@ioc/platform';
import { IncidentEventStream, IncidentEventTap } from '@ioc/queue';
import { EscalationService } from './escalation/escalation.service';
import type { IncidentChange } from './incident.service';

/** Events after which an incident may need paging (again): its escalation timer is planned. */
const PLAN = new Set(['opened', 'reopened', 'severity-raised']);
/** Events after which nobody needs paging about it: its pending timer is dropped. */
const CANCEL = new Set(['acknowledged', 'assigned', 'resolved', 'closed']);

/**
 * What follows a committed incident change, whoever made it (the engine through the correlate role, an operator
 * through the API): its events to this process's real-time feed and on the incident-event stream (every API
 * process's sockets), and the escalation timers of the incidents it touched. All run after the commit and never undo
 * it: a missed stream append is filled from the database by seq, and an escalation job re-reads the incident before
 * it sends anything.
 */
@Injectable()
export class IncidentChangeFanout {
  constructor(
    @Inject(IncidentEventStream) private readonly events: IncidentEventStream,
    @Inject(IncidentEventTap) private readonly local: IncidentEventTap,
    @Inject(EscalationService) private readonly escalation: EscalationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async changed(change: IncidentChange): Promise<void> {
    if (change.events.length === 0) return;
    // This process's own sockets first (no Redis round trip), then every process's through the stream.
    this.local.emit(change.events);
    await this.events
      .publish(change.events)
      .catch((err) =>
        this.logger.error({ err }, 'publishing incident events failed; sockets catch up from the database'),
      );
    await this.escalate(change);
  }

  /**
   * A change the user is not to be alerted to: an exercise's decision that a forward seek skipped (applied so the
   * incidents are as they would be at that point). Its events reach the sockets flagged `quiet`, so a console shows
   * them without sound or flash; no escalation timer is planned for them.
   */
  async quietly(change: IncidentChange): Promise<void> {
    if (change.events.length === 0) return;
    const events = change.events.map((e) => ({ ...e, quiet: true as const }));
    this.local.emit(events);
    await this.events
      .publish(events)
      .catch((err) =>
        this.logger.error({ err }, 'publishing incident events failed; sockets catch up from the database'),
      );
  }

  private async escalate(change: IncidentChange): Promise<void> {
    const types = new Map<string, Set<string>>();
    for (const e of change.events) types.set(e.incidentId, (types.get(e.incidentId) ?? new Set()).add(e.type));
    for (const [incidentId, happened] of types) {
      try {
        if ([...happened].some((t) => PLAN.has(t))) await this.escalation.schedule(incidentId);
        else if ([...happened].some((t) => CANCEL.has(t))) await this.escalation.cancel(incidentId);
      } catch (err) {
        this.logger.error(
          { err, incidentId },
          'updating escalation timers failed; the escalation job re-checks the incident when it fires',
        );
      }
    }
  }
}
