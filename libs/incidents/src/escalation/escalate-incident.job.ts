import { DelayedError } from 'bullmq';
import type { JOBS } from '@ioc/contracts';
import type { JobHandler } from '@ioc/queue';
import type { EscalationService } from './escalation.service';

/** The escalate-incident processor: hands the job to EscalationService; a level not yet due goes back to delayed. */
export function escalateIncidentJob(service: EscalationService): JobHandler<typeof JOBS.escalateIncident> {
  return async (job, token) => {
    const result = await service.escalate(job.data.incidentId, job.data.level);
    if (result.outcome === 'not-due' && token) {
      await job.moveToDelayed(result.dueAt, token);
      throw new DelayedError();
    }
    return result;
  };
}
