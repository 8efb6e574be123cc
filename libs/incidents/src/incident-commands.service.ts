import { Inject, Injectable } from '@nestjs/common';
import { IncidentChangeFanout } from './incident-change.fanout';
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
 * The use case behind every operator action: apply the command (one transaction, IncidentService), then hand the
 * committed change to IncidentChangeFanout (incident-event stream, escalation timers).
 */
@Injectable()
export class IncidentCommandService {
  constructor(
    private readonly incidents: IncidentService,
    @Inject(IncidentChangeFanout) private readonly fanout: IncidentChangeFanout,
  ) {}

  async execute(c: OperatorCommand): Promise<IncidentChange> {
    const change = await this.apply(c);
    await this.fanout.changed(change);
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
