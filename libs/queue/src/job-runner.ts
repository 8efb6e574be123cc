import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOBS, QUEUES, type JobName } from '@ioc/contracts';

export type JobHandler = (job: Job) => Promise<unknown>;
export type JobHandlers = Record<JobName, JobHandler>;

export interface JobRunnerOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly concurrency?: number;
}

/**
 * BullMQ behind one provider: one queue, one worker, a typed job-name → handler map checked when it starts, and
 * schedulers with fixed ids so several processes registering them collapse into one schedule.
 */
export class JobRunner {
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly opts: JobRunnerOptions,
    private readonly logger: Logger,
  ) {}

  async start(handlers: JobHandlers, schedules: Array<{ name: JobName; everyMs: number }>): Promise<void> {
    const missing = Object.values(JOBS).filter((name) => typeof handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for jobs: ${missing.join(', ')}`);
    const connection = { url: this.opts.redisUrl, maxRetriesPerRequest: null };
    this.queue = new Queue(QUEUES.maintenance, { connection, prefix: this.opts.prefix });
    for (const s of schedules) {
      await this.queue.upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name, opts: { removeOnComplete: 100, removeOnFail: 500 } });
    }
    this.worker = new Worker(
      QUEUES.maintenance,
      async (job) => {
        const handler = handlers[job.name as JobName];
        if (!handler) throw new Error(`unknown job ${job.name}`);
        const started = Date.now();
        const result = await handler(job);
        this.logger.info({ jobId: job.id, job: job.name, ms: Date.now() - started, result }, 'job done');
        return result;
      },
      { connection, prefix: this.opts.prefix, concurrency: this.opts.concurrency ?? 1 },
    );
    this.worker.on('failed', (job, err) => this.logger.error({ jobId: job?.id, job: job?.name, err }, 'job failed'));
    this.worker.on('error', (err) => this.logger.error({ err }, 'job worker error'));
  }

  async runNow(name: JobName): Promise<void> {
    await this.queue?.add(name, {}, { removeOnComplete: 100, removeOnFail: 500 });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
