import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { QUEUE_JOBS, QUEUES, type JobDataMap, type QueueJobName, type QueueName } from '@ioc/contracts';

type MaintenanceQueue = typeof QUEUES.maintenance;

/** A handler gets the job and the worker's lock token (needed to move the job back to delayed). */
export type JobHandler<N extends keyof JobDataMap> = (job: Job<JobDataMap[N]>, token?: string) => Promise<unknown>;
/** One handler per job name of the queue, checked when the worker starts. */
export type JobHandlers<Q extends QueueName = MaintenanceQueue> = { [N in QueueJobName<Q>]: JobHandler<N> };

/** BullMQ worker settings that matter for timers and crash recovery (BullMQ's defaults when unset). */
export interface WorkerTuning {
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal (renewed every half of it); a dead worker's job is stalled after it. */
  readonly lockDurationMs?: number;
  /** How often a worker looks for stalled jobs (active jobs whose lock expired) and moves them back to wait. */
  readonly stalledIntervalMs?: number;
  /** How many times a job may stall before it fails instead of being retried. */
  readonly maxStalledCount?: number;
}

export interface JobRunnerOptions<Q extends QueueName = MaintenanceQueue> extends WorkerTuning {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Default: the maintenance queue. */
  readonly queue?: Q;
}

export interface AddJobOptions {
  /** Deterministic id: adding a job whose id exists (waiting, delayed, active or kept) is a no-op. */
  readonly jobId?: string;
  readonly delayMs?: number;
  /** Tries for a job whose handler throws, with exponential backoff from backoffMs. */
  readonly attempts?: number;
  readonly backoffMs?: number;
}

/** Completed jobs kept (so their ids still collapse duplicates), failed jobs kept for inspection. */
const KEEP = { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

/**
 * BullMQ behind one provider: one queue, one worker, a typed job-name → handler map checked when it starts, and
 * schedulers with fixed ids so several processes registering them collapse into one schedule. One runner per queue.
 */
export class JobRunner<Q extends QueueName = MaintenanceQueue> {
  readonly queueName: Q;
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly opts: JobRunnerOptions<Q>,
    private readonly logger: Logger,
  ) {
    this.queueName = (opts.queue ?? QUEUES.maintenance) as Q;
  }

  private get connection() {
    return { url: this.opts.redisUrl, maxRetriesPerRequest: null };
  }

  /** The producer side only (add, remove): processes that schedule jobs without running them. */
  open(): Queue {
    this.queue ??= new Queue(this.queueName, { connection: this.connection, prefix: this.opts.prefix });
    return this.queue;
  }

  async start(
    handlers: JobHandlers<Q>,
    schedules: Array<{ name: QueueJobName<Q>; everyMs: number }> = [],
  ): Promise<void> {
    const names = QUEUE_JOBS[this.queueName] as readonly QueueJobName<Q>[];
    const missing = names.filter((name) => typeof handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for jobs: ${missing.join(', ')}`);
    const queue = this.open();
    for (const s of schedules) {
      await queue.upsertJobScheduler(
        s.name,
        { every: s.everyMs },
        { name: s.name, opts: { removeOnComplete: 100, removeOnFail: 500 } },
      );
    }
    const byName = handlers as unknown as Record<string, JobHandler<keyof JobDataMap>>;
    this.worker = new Worker(
      this.queueName,
      async (job, token) => {
        const handler = byName[job.name];
        if (!handler) throw new Error(`unknown job ${job.name}`);
        const started = Date.now();
        const result = await handler(job, token);
        this.logger.info({ jobId: job.id, job: job.name, ms: Date.now() - started, result }, 'job done');
        return result;
      },
      {
        connection: this.connection,
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency ?? 1,
        ...(this.opts.lockDurationMs !== undefined && { lockDuration: this.opts.lockDurationMs }),
        ...(this.opts.stalledIntervalMs !== undefined && { stalledInterval: this.opts.stalledIntervalMs }),
        ...(this.opts.maxStalledCount !== undefined && { maxStalledCount: this.opts.maxStalledCount }),
      },
    );
    this.worker.on('failed', (job, err) => this.logger.error({ jobId: job?.id, job: job?.name, err }, 'job failed'));
    this.worker.on('error', (err) => this.logger.error({ err }, 'job worker error'));
  }

  async add<N extends QueueJobName<Q>>(
    name: N,
    data: JobDataMap[N],
    opts: AddJobOptions = {},
  ): Promise<Job<JobDataMap[N]>> {
    return this.open().add(name, data, {
      ...KEEP,
      ...(opts.jobId !== undefined && { jobId: opts.jobId }),
      ...(opts.delayMs !== undefined && opts.delayMs > 0 && { delay: Math.round(opts.delayMs) }),
      ...(opts.attempts !== undefined && {
        attempts: opts.attempts,
        backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 },
      }),
    }) as Promise<Job<JobDataMap[N]>>;
  }

  async getJob(jobId: string): Promise<Job | undefined> {
    return this.open().getJob(jobId);
  }

  /** Removes a waiting or delayed job; false when there is none or it is running (locked). */
  async remove(jobId: string): Promise<boolean> {
    return (await this.open().remove(jobId)) === 1;
  }

  async runNow(name: QueueJobName<Q>): Promise<void> {
    await this.open().add(name, {}, { removeOnComplete: 100, removeOnFail: 500 });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
