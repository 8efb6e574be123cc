import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@ioc/platform';
import { IncidentEventStream } from '@ioc/queue';
import { EscalationService } from './escalation/escalation.service';
import { IncidentService, type IncidentChange } from './incident.service';

/** An operator's command on one incident, as the REST API (or a socket) hands it over; `by` is the user id. */
export type OperatorCommand = { readonly incidentId: string; readonly by: string } & (
  | { readonly action: 'acknowledge' }
  | { readonly action: 'assign'; readonly assignee: string }
  | { readonly action: 'comment'; readonly text: string }
  | { readonly action: 'resolve'; readonly note?: string }
  | { readonly action: 'reopen'; readonly reason?: string }
  | { readonly action: 'close' }
  | { readonly action: 'complete-sop-step'; readonly stepId: string; readonly note?: string }
);

/**
 * The use case behind every operator action: apply the command (one transaction, IncidentService), then tell the rest
 * of the system about the committed events: the incident-event stream (every API process's sockets) and the
 * escalation timers (cancelled once nobody needs paging, planned again on a reopen). Those follow-ups run after the
 * commit and never undo it: a missed stream append is filled from the database by seq, and an escalation job
 * re-reads the incident before it sends anything.
 */
@Injectable()
export class IncidentCommandService {
  constructor(
    private readonly incidents: IncidentService,
    @Inject(IncidentEventStream) private readonly events: IncidentEventStream,
    @Inject(EscalationService) private readonly escalation: EscalationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(c: OperatorCommand): Promise<IncidentChange> {
    const change = await this.apply(c);
    if (change.events.length === 0) return change;
    await this.events.publish(change.events).catch((err) => this.logger.error({ err, incidentId: c.incidentId }, 'publishing incident events failed; sockets catch up from the database'));
    const types = new Set(change.events.map((e) => e.type));
    try {
      if (types.has('reopened')) await this.escalation.schedule(c.incidentId);
      else if (types.has('acknowledged') || types.has('assigned') || types.has('resolved') || types.has('closed')) await this.escalation.cancel(c.incidentId);
    } catch (err) {
      this.logger.error({ err, incidentId: c.incidentId }, 'updating escalation timers failed; the escalation job re-checks the incident when it fires');
    }
    return change;
  }

  private apply(c: OperatorCommand): Promise<IncidentChange> {
    switch (c.action) {
      case 'acknowledge':
        return this.incidents.acknowledge(c.incidentId, c.by);
      case 'assign':
        return this.incidents.assign(c.incidentId, c.assignee, c.by);
      case 'comment':
        return this.incidents.comment(c.incidentId, c.text, c.by);
      case 'resolve':
        return this.incidents.resolve(c.incidentId, c.by, c.note);
      case 'reopen':
        return this.incidents.reopen(c.incidentId, c.by, c.reason);
      case 'close':
        return this.incidents.close(c.incidentId, c.by);
      case 'complete-sop-step':
        return this.incidents.completeSopStep(c.incidentId, c.stepId, c.by, c.note);
    }
  }
}
