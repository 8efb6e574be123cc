import { DelayedError } from 'bullmq';
import type { JOBS } from '@ioc/contracts';
import { systemClock, type TimerClock } from '@ioc/platform';
import type { JobHandler } from '@ioc/queue';
import type { EscalationService } from './escalation.service';

/**
 * The escalate-incident processor: hands the job to EscalationService; a level not yet due goes back to delayed, until
 * the real time at which the IOC's clock reads its due time.
 */
export function escalateIncidentJob(
  service: EscalationService,
  clock: Pick<TimerClock, 'realTimeAt'> = systemClock,
): JobHandler<typeof JOBS.escalateIncident> {
  return async (job, token) => {
    const result = await service.escalate(job.data.incidentId, job.data.level);
    if (result.outcome === 'not-due' && token) {
      await job.moveToDelayed(Math.round(clock.realTimeAt(result.dueAt)), token);
      throw new DelayedError();
    }
    return result;
  };
}
