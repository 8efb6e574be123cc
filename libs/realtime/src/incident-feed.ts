import type { IncidentEventMessage, IncidentSummary } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';
import type { IncidentFeedRecord } from '@ioc/storage';
import type { Logger } from 'pino';
import { evolveSummary, summaryFromRecord } from './incident-summary';
import type { WardIndex } from '@ioc/city';

/** The database side of the feed: the event log (source of truth, prefix-closed by seq) and incident summaries. */
export interface FeedLog {
  headSeq(): Promise<number>;
  eventsSince(seq: number, limit: number): Promise<readonly StoredIncidentEvent[]>;
  summaries(ids: readonly string[]): Promise<readonly IncidentFeedRecord[]>;
}

export interface IncidentFeedOptions {
  /** Batches are handed on at most this often (one socket write per subscription room per batch). */
  readonly batchMs: number;
  /** Rows per database read when filling a gap. */
  readonly pageSize: number;
  /** Summaries kept in memory (most recently changed incidents). */
  readonly summaryCacheSize: number;
  /**
   * How long events that arrived ahead of a gap wait for the stream to bring the missing ones (another writer
   * publishes a moment after its commit) before the gap is read from the database. 0: read at once.
   */
  readonly gapWaitMs: number;
}

export type FeedListener = (batch: readonly IncidentEventMessage[]) => void;

/**
 * One process-wide, gap-free, duplicate-free sequence of committed incident events, in seq order.
 *
 * The Redis stream is a fast path, not the source of truth: writers publish after their commit, several writers
 * (correlate, API processes) can publish out of seq order, and a publish can be lost after a commit. So events are
 * taken in only in seq order: events that arrive ahead of a gap wait, up to `gapWaitMs`, for the stream to bring the
 * missing seqs (usually another writer's publish, a moment behind its commit); a gap still open then is read from
 * the database. That read is complete: seq order is commit order (an advisory lock orders seq allocation by commit),
 * so once seq S is visible every smaller seq is visible or was rolled back. Events at or below the head (late
 * publishes, overlaps with a database read) are dropped. A periodic poll catches events whose publish was lost.
 */
export class IncidentFeed {
  /** Every event at or below this seq has been taken in (pending or dispatched). */
  private accepted = 0;
  /** Every event at or below this seq has been handed to the listener. */
  private dispatched = 0;
  private pending: IncidentEventMessage[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private lastAcceptAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners: FeedListener[] = [];
  private readonly summaries = new Map<string, { summary: IncidentSummary; asOfSeq: number }>();
  /** Events from the stream above a gap, by seq, waiting for it to close. */
  private readonly ahead = new Map<number, StoredIncidentEvent>();
  private gapTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly log: FeedLog,
    private readonly wards: WardIndex,
    private readonly options: IncidentFeedOptions,
    private readonly logger?: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts at the database's head: clients catch up on older events from the database. */
  async start(): Promise<void> {
    this.accepted = this.dispatched = await this.log.headSeq();
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  /** Highest seq handed to listeners: a client that has everything up to it and then every batch has everything. */
  get head(): number {
    return this.dispatched;
  }

  onBatch(listener: FeedListener): void {
    this.listeners.push(listener);
  }

  /** Events from a stream entry (any order, possibly already seen). */
  offer(events: readonly StoredIncidentEvent[]): Promise<void> {
    return this.serial(async () => {
      for (const e of events) if (e.seq > this.accepted) this.ahead.set(e.seq, e);
      await this.takeContiguous();
      if (this.ahead.size === 0) {
        if (this.gapTimer) clearTimeout(this.gapTimer);
        this.gapTimer = undefined;
      } else if (this.options.gapWaitMs <= 0) {
        await this.fillGap();
      } else if (!this.gapTimer && !this.stopped) {
        this.gapTimer = setTimeout(() => {
          this.gapTimer = undefined;
          this.serial(() => this.fillGap()).catch((err) =>
            this.logger?.warn({ err }, 'incident feed: reading a gap failed; the poll retries'),
          );
        }, this.options.gapWaitMs);
      }
    });
  }

  /** Reads what the stream did not bring (lost publishes, a Redis restart); cheap when nothing is new. */
  poll(): Promise<void> {
    return this.serial(async () => {
      await this.readLog(Infinity);
      await this.takeContiguous();
    });
  }

  /**
   * Takes in the log after the sequence from the database, page by page, up to `upTo` (or its end). The read is
   * complete: seq order is commit order (an advisory lock orders seq allocation by commit), so once seq S is visible
   * every smaller seq is visible or was rolled back.
   */
  private async readLog(upTo: number): Promise<void> {
    while (this.accepted < upTo) {
      const rows = await this.log.eventsSince(this.accepted, this.options.pageSize);
      if (rows.length === 0) return;
      if (rows[0].seq !== this.accepted + 1)
        this.logger?.debug(
          { from: this.accepted, to: rows[rows.length - 1].seq },
          'events read from the database past a gap',
        );
      await this.accept(rows);
      if (rows.length < this.options.pageSize) return;
    }
  }

  /** Takes in the waiting events that now continue the sequence; drops those at or below it. */
  private async takeContiguous(): Promise<void> {
    for (const seq of this.ahead.keys()) if (seq <= this.accepted) this.ahead.delete(seq);
    const run: StoredIncidentEvent[] = [];
    for (let next = this.accepted + 1; this.ahead.has(next); next++) {
      run.push(this.ahead.get(next)!);
      this.ahead.delete(next);
    }
    if (run.length > 0) await this.accept(run);
  }

  /** The gap below the waiting events, from the database. */
  private async fillGap(): Promise<void> {
    if (this.ahead.size === 0) return;
    await this.readLog(Math.max(...this.ahead.keys()));
    await this.takeContiguous();
    if (this.ahead.size > 0) {
      // Published but not visible in the database: cannot happen (writers publish after commit). Take them rather than drop.
      const rest = [...this.ahead.values()].sort((a, b) => a.seq - b.seq);
      this.ahead.clear();
      this.logger?.warn({ seqs: rest.map((e) => e.seq) }, 'stream events beyond the database head');
      await this.accept(rest);
    }
  }

  /** ms since the feed last took in an event (the poller only polls an idle feed). */
  idleMs(): number {
    return this.now() - this.lastAcceptAt;
  }

  /** Events of the log (ascending, above the head) with their incident summaries; used by catch-up too. */
  async withCurrentSummaries(rows: readonly StoredIncidentEvent[]): Promise<IncidentEventMessage[]> {
    const ids = [...new Set(rows.map((r) => r.incidentId))];
    const records = new Map((await this.log.summaries(ids)).map((r) => [r.id, summaryFromRecord(r, this.wards)]));
    const out: IncidentEventMessage[] = [];
    for (const e of rows) {
      const incident = records.get(e.incidentId);
      if (incident) out.push({ ...e, incident });
    }
    return out;
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Ascending events, all above `accepted`: summaries folded, queued for the next batch. */
  private async accept(events: readonly StoredIncidentEvent[]): Promise<void> {
    const missing = new Set<string>();
    for (const e of events) if (e.type !== 'opened' && !this.summaries.has(e.incidentId)) missing.add(e.incidentId);
    if (missing.size > 0) {
      // Incidents opened before this process started: their current record, newer than or equal to these events.
      for (const r of await this.log.summaries([...missing]))
        this.remember(r.id, summaryFromRecord(r, this.wards), r.lastSeq);
    }
    for (const e of events) {
      const known = this.summaries.get(e.incidentId);
      let summary = known?.summary;
      if (!known || e.seq > known.asOfSeq || e.type === 'opened') {
        summary = evolveSummary(summary, e, this.wards);
        if (summary) this.remember(e.incidentId, summary, e.seq);
      }
      if (!summary) {
        this.logger?.warn({ seq: e.seq, incidentId: e.incidentId }, 'incident event without a known incident; skipped');
      } else {
        this.pending.push({ ...e, incident: summary });
      }
      this.accepted = e.seq;
    }
    this.lastAcceptAt = this.now();
    this.scheduleFlush();
  }

  private remember(id: string, summary: IncidentSummary, asOfSeq: number): void {
    this.summaries.delete(id);
    this.summaries.set(id, { summary, asOfSeq });
    if (this.summaries.size > this.options.summaryCacheSize) this.summaries.delete(this.summaries.keys().next().value!);
  }

  /**
   * An idle feed (no batch for batchMs) hands its events on at once, not on a zero timer: that would wait for the event
   * loop to come round again, a wait as long as whatever else the process has queued (at 10,000 readings/s in the
   * same process, often several ms). Under load, the next batch waits out the rest of batchMs.
   */
  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    const wait = this.options.batchMs - (this.now() - this.lastFlushAt);
    if (wait <= 0) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Synchronous: a batch reaches every listener before anything else runs (catch-up relies on it). */
  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlushAt = this.now();
    const batch = this.pending;
    this.pending = [];
    this.dispatched = this.accepted;
    if (batch.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch (err) {
        this.logger?.error({ err }, 'incident feed listener failed');
      }
    }
  }
}
