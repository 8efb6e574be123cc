import type { Logger } from 'pino';
import { realSleep, retry, type Sleep } from '@ioc/platform';

export interface GroupCommitterOptions<U> {
  /** Upper bound of units in one commit. */
  readonly maxBatch: number;
  /** Commits in flight at once (each holds one database connection). */
  readonly maxConcurrent: number;
  /** Longest wait between retries of a failing commit. */
  readonly retryMaxMs: number;
  /** Commits the units in one transaction: all or nothing. */
  readonly commit: (units: U[]) => Promise<void>;
  /** Whether a failure may pass by itself (database down, connection lost) and the same batch should be retried. */
  readonly isTransient: (err: unknown) => boolean;
  /** A unit the database rejects on its own (not transiently): returns what to commit instead (e.g. its quarantine). */
  readonly onPoison: (unit: U, err: unknown) => U;
  readonly logger: Logger;
  readonly sleep?: Sleep;
}

interface Pending<U> {
  unit: U;
  resolve: () => void;
}

/**
 * Group commit: units submitted while a commit is in flight ride together in the next one, so batch size grows with
 * database latency by itself. `submit` resolves only when the unit's transaction has committed — the caller acknowledges
 * to the broker then, never before. Memory is bounded by the callers: MQTT.js hands over one message per connection
 * until it is acknowledged, and the broker holds the rest.
 */
export class GroupCommitter<U> {
  private queue: Pending<U>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private failing = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly sleep: Sleep;

  readonly stats = { commits: 0, units: 0, retries: 0, poisoned: 0, maxBatch: 0 };

  constructor(private readonly opts: GroupCommitterOptions<U>) {
    this.sleep = opts.sleep ?? realSleep;
  }

  submit(unit: U): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ unit, resolve });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Resolves when every submitted unit has been committed. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Let every message that arrived in this tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    // While commits fail, hold to one at a time so a down database is probed, not hammered.
    const limit = this.failing > 0 ? 1 : this.opts.maxConcurrent;
    while (this.inFlight < limit && this.queue.length > 0) {
      // Spread what is waiting over the free slots: the next batch is decoded while the database commits this one.
      const share = Math.ceil(this.queue.length / (limit - this.inFlight));
      const batch = this.queue.splice(0, Math.min(this.opts.maxBatch, share));
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.pump();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }

  private async run(batch: Pending<U>[]): Promise<void> {
    const units = batch.map((p) => p.unit);
    await this.commitWithRetry(units);
    this.stats.commits++;
    this.stats.units += units.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, units.length);
    for (const p of batch) p.resolve();
  }

  /** Retries transient failures with capped exponential backoff; isolates poison units by bisection. */
  private async commitWithRetry(units: U[]): Promise<void> {
    let retried = false;
    const failed = await retry(() => this.opts.commit(units), {
      isTransient: this.opts.isTransient,
      backoff: { initialMs: 100, maxMs: this.opts.retryMaxMs },
      sleep: this.sleep,
      onRetry: (err, attempt, delayMs) => {
        if (!retried) this.failing++;
        retried = true;
        this.stats.retries++;
        this.opts.logger.warn({ err, attempt, delayMs, units: units.length }, 'commit failed; retrying');
      },
    }).then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    // Committed, or refused for good: either way the database answers again.
    if (retried) this.failing = Math.max(0, this.failing - 1);
    if (failed) await this.isolate(units, failed.err);
  }

  private async isolate(units: U[], err: unknown): Promise<void> {
    if (units.length === 1) {
      this.stats.poisoned++;
      this.opts.logger.error({ err }, 'the database rejected a message; quarantining it');
      const replacement = this.opts.onPoison(units[0], err);
      // The replacement must commit, whatever the failure; if it cannot, keep it unacknowledged and retry rather than lose it.
      await retry(() => this.opts.commit([replacement]), {
        isTransient: () => true,
        backoff: { initialMs: 200, maxMs: this.opts.retryMaxMs },
        sleep: this.sleep,
        onRetry: (again, attempt) =>
          this.opts.logger.error({ err: again, attempt }, 'quarantining a rejected message failed; retrying'),
      });
      return;
    }
    const mid = units.length >> 1;
    await this.commitWithRetry(units.slice(0, mid));
    await this.commitWithRetry(units.slice(mid));
  }
}
