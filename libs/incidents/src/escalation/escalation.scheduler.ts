import { JOBS, QUEUES, escalationJobId } from '@ioc/contracts';
import type { TimerClock } from '@ioc/platform';
import type { JobRunner, WorkerTuning } from '@ioc/queue';
import type { EscalationStep } from './escalation-policy';
import type { EscalationScheduler } from './escalation.ports';

export type EscalationRunner = JobRunner<typeof QUEUES.escalation>;

/**
 * Worker settings of the escalation queue. A worker that dies holding a job loses its lock after lockDuration; the
 * next stalled check of any live worker (every stalledInterval) puts the job back, so it runs again within about
 * lockDuration + stalledInterval (25 s). A job that kills its worker three times fails instead of looping.
 */
export const ESCALATION_WORKER: WorkerTuning = {
  concurrency: 8,
  lockDurationMs: 15_000,
  stalledIntervalMs: 10_000,
  maxStalledCount: 2,
};

/** Tries of an escalation job whose handler throws (database or Redis down): exponential from 1 s, about 17 min in all. */
const ATTEMPTS = 10;
const BACKOFF_MS = 1000;

/**
 * Escalation timers as BullMQ delayed jobs, one per (incident, level), id `escalate.<incidentId>.<level>`. Due times are
 * on the IOC's clock, BullMQ's delays real: the clock converts (a scenario clock at 60× fires a 15-minute level after
 * 15 real seconds).
 */
export class BullEscalationScheduler implements EscalationScheduler {
  constructor(
    private readonly runner: EscalationRunner,
    private readonly clock: TimerClock,
  ) {}

  async schedule(incidentId: string, step: EscalationStep): Promise<void> {
    const jobId = escalationJobId(incidentId, step.level);
    const delayMs = this.clock.realDelayMs(step.dueAt - this.clock.nowMs());
    const existing = await this.runner.getJob(jobId);
    if (existing) {
      // Same id: BullMQ would ignore the add. A delayed job due later than now wanted (severity rose) is brought forward;
      // one due earlier fires, finds its level not due and moves itself back (EscalationService 'not-due').
      if ((await existing.isDelayed()) && this.clock.clockAt(existing.timestamp + existing.delay) > step.dueAt)
        await existing.changeDelay(delayMs);
      return;
    }
    await this.runner.add(
      JOBS.escalateIncident,
      { incidentId, level: step.level },
      { jobId, delayMs, attempts: ATTEMPTS, backoffMs: BACKOFF_MS },
    );
  }

  cancel(incidentId: string, level: number): Promise<boolean> {
    return this.runner.remove(escalationJobId(incidentId, level));
  }
}
