import { Inject, Injectable } from '@nestjs/common';
import { IncidentRepository } from '@ioc/storage';
import { ExerciseAccessService } from './exercise-access/exercise-access.service';
import { IncidentChangeFanout } from './incident-change.fanout';
import { IncidentError } from './incident.errors';
import { IncidentService, type IncidentChange } from './incident.service';

/**
 * An operator's command on one incident, as the REST API (or a socket) hands it over; `by` is the user id, `role`
 * theirs (a trainee acts only on the incidents of their own exercises).
 */
export type OperatorCommand = { readonly incidentId: string; readonly by: string; readonly role: string } & (
  | { readonly action: 'acknowledge' }
  | { readonly action: 'assign'; readonly assignee: string }
  | { readonly action: 'comment'; readonly text: string }
  | { readonly action: 'resolve'; readonly note?: string }
  | { readonly action: 'reopen'; readonly reason?: string }
  | { readonly action: 'close' }
  | { readonly action: 'complete-sop-step'; readonly stepId: string; readonly note?: string }
);

/**
 * The use case behind every operator action: check a trainee acts within their exercise (EXERCISE_NOT_ASSIGNED), apply
 * the command (one transaction, IncidentService), then hand the committed change to IncidentChangeFanout
 * (incident-event stream, escalation timers).
 */
@Injectable()
export class IncidentCommandService {
  constructor(
    private readonly incidents: IncidentService,
    @Inject(IncidentChangeFanout) private readonly fanout: IncidentChangeFanout,
    @Inject(ExerciseAccessService)
    private readonly access: Pick<ExerciseAccessService, 'restricted' | 'assertIncident'>,
    @Inject(IncidentRepository) private readonly repo: Pick<IncidentRepository, 'findById'>,
  ) {}

  async execute(c: OperatorCommand): Promise<IncidentChange> {
    if (this.access.restricted(c.role)) {
      // A key and the exercise flag never change after opening: the check holds for the transaction that follows.
      const incident = await this.repo.findById(c.incidentId);
      if (!incident)
        throw new IncidentError('INCIDENT_NOT_FOUND', `no incident ${c.incidentId}`, { incidentId: c.incidentId });
      await this.access.assertIncident({ userId: c.by, role: c.role }, incident);
    }
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
