import type { SignalDeadLetter } from '@ioc/storage';
import type { Logger } from 'pino';
import type { Topology } from '@ioc/city';
import {
  CorrelationEngine,
  FIELD_REPORT,
  type EngineEvent,
  type EngineStats,
  type FieldReportBody,
  type RuleSet,
  type Silence,
} from '@ioc/correlation';
import type { DeviceMessage, FieldReport, IncidentSignal } from '@ioc/domain';
import { retry, type Sleep, type TimerClock } from '@ioc/platform';
import type { IncidentChange } from '@ioc/incidents';
import { EarlyFiring, type EarlyFiringStats } from './early-firing';
import { failureCode, isTransientSignalFailure } from './signal-failure';

/** Where the correlation role's side effects go: each a provider, so the service is tested with fakes. */
export interface CorrelationPorts {
  /** Turns an engine decision into incident events, in one transaction (IncidentService.applySignal). */
  readonly applySignal: (signal: IncidentSignal) => Promise<IncidentChange>;
  /** Told about every committed change (real-time fan-out, escalation scheduling). */
  readonly changed: (change: IncidentChange) => Promise<void>;
  /** Stored history in canonical order (RawMessageRepository.range), for rebuilding state on start. */
  readonly history: (from: Date, to: Date) => AsyncIterable<readonly DeviceMessage[]>;
  /** Stored field reports with from ≤ reportedAt < to, oldest first (FieldReportRepository.range), replayed with the history. */
  readonly reports?: (from: Date, to: Date) => Promise<readonly FieldReport[]>;
  /** Silences ending after `since` (SilenceRepository.inForce): applied at start and re-read every few seconds. */
  readonly silences?: (since: Date) => Promise<readonly Silence[]>;
  /** Told of each signal set aside (a metric, a durable record); a failure here is logged and does not hold the queue. */
  readonly deadLettered?: (letter: DeadLetter) => Promise<void>;
}

/**
 * A signal whose application failed for a reason that would recur: set aside so the ones behind it go on. The record
 * that `signal_dead_letter` keeps, with the failure's clock time in ms.
 */
export type DeadLetter = Omit<SignalDeadLetter, 'failedAt'> & {
  /** Clock time of the failure, ms. */
  readonly at: number;
};

export interface CorrelationOptions {
  readonly rules: RuleSet;
  readonly topology: Topology;
  readonly allowedLatenessMs: number;
  readonly tickMs: number;
  readonly recoveryMs: number;
  /** Longest wait between retries of a signal the database refused for a transient reason. */
  readonly retryMaxMs?: number;
  /** The wait between those retries (setTimeout when absent). */
  readonly sleep?: Sleep;
  /** Raise incidents of one-reading rules when the reading arrives, confirmed or withdrawn at the watermark (EarlyFiring). */
  readonly earlyFiring?: boolean;
}

export interface CorrelationStatus {
  readonly recovered: boolean;
  readonly recoveredEvents: number;
  readonly queuedSignals: number;
  readonly appliedSignals: number;
  readonly failedAttempts: number;
  /** Signals set aside since start, and the latest of them (at most DEAD_LETTERS_KEPT). */
  readonly deadLettered: { readonly count: number; readonly last: readonly DeadLetter[] };
  readonly engine: EngineStats;
  /** Absent when early firing is off. */
  readonly early?: EarlyFiringStats;
}

/** How often the correlate role re-reads the stored silences. */
const SILENCE_SYNC_MS = 2_000;

/** Dead letters held in memory for /health; the durable record (ports.deadLettered) keeps them all. */
export const DEAD_LETTERS_KEPT = 20;

export const toEngineEvent = (m: DeviceMessage): EngineEvent => ({
  deviceId: m.deviceId,
  msgId: m.msgId,
  kind: m.kind,
  ts: m.ts.getTime(),
  body: m.body,
});

/** A field report as the engine's input: the channel is its device, the report id its message id. */
export function reportToEngineEvent(r: FieldReport): EngineEvent {
  const body: FieldReportBody = {
    reportId: r.id,
    category: r.category,
    lat: r.lat,
    lon: r.lon,
    text: r.text,
    ...(r.photoRef !== undefined && { photoRef: r.photoRef }),
  };
  return {
    deviceId: r.channel,
    msgId: r.id,
    kind: FIELD_REPORT,
    ts: r.reportedAt,
    body: body as unknown as Record<string, unknown>,
  };
}

/**
 * The correlate role: the pure engine driven by the injected clock. Readings come in (the ingest fast path before
 * their commit, or the post-commit stream from another process), the watermark advances every tick, and the engine's
 * signals are applied to incidents strictly in order, one transaction each. A transient failure (the database away)
 * is retried with capped backoff until the database takes the signal, nothing behind it overtaking it: a lost raise
 * would leave its updates and clear with nothing to act on. A failure that would recur (a lifecycle refusal, a
 * constraint the signal violates, a bug) would hold every signal behind it for good instead: that signal is logged,
 * counted and set aside as a dead letter (in memory for /health, and through ports.deadLettered), and the next goes on.
 *
 * The engine's state lives in memory. On start it is rebuilt by replaying the last `recoveryMs` of stored history
 * through the same engine (replay and live run the same code); only the alarms still active at the end of that
 * replay are applied, which the lifecycle merges into the incidents already open for their keys.
 */
export class CorrelationService {
  private engine: CorrelationEngine;
  private early?: EarlyFiring;
  private timer?: NodeJS.Timeout;
  private silenceTimer?: NodeJS.Timeout;
  /** The stored silences as last read: every engine this service creates starts with them. */
  private silenceSet: readonly Silence[] = [];
  /** Fires when the earliest pending reading passes the watermark, so an incident does not wait for the next tick. */
  private wake?: { readonly at: number; readonly handle: NodeJS.Timeout };
  private queue: IncidentSignal[] = [];
  private applying?: Promise<void>;
  private recovering = true;
  private stopped = false;
  /** Aborted on stop: ends a retry's wait, so a shutdown during an outage does not wait the database out. */
  private readonly halt = new AbortController();
  private buffered: EngineEvent[] = [];
  private readonly counters = { recoveredEvents: 0, appliedSignals: 0, failedAttempts: 0, deadLettered: 0 };
  private readonly deadLetters: DeadLetter[] = [];

  constructor(
    private readonly opts: CorrelationOptions,
    private readonly ports: CorrelationPorts,
    private readonly clock: TimerClock,
    private readonly logger: Logger,
  ) {
    this.engine = this.newEngine(this.clock.nowMs());
  }

  /** Readings for the engine; safe to call before `start` (they wait for the recovery to finish). */
  accept(messages: readonly DeviceMessage[]): void {
    this.acceptEvents(messages.map(toEngineEvent));
  }

  /** Field reports (stored before they are handed over), evidence like readings; safe before `start` too. */
  acceptReports(reports: readonly FieldReport[]): void {
    this.acceptEvents(reports.map(reportToEngineEvent));
  }

  private acceptEvents(events: EngineEvent[]): void {
    if (this.stopped) return;
    if (this.recovering) {
      this.buffered.push(...events);
      return;
    }
    if (this.early) {
      const wm = this.engine.watermark;
      const signals = this.early.accept(
        events.filter((e) => e.ts > wm),
        this.clock.nowMs(),
      );
      if (signals.length) this.enqueue(signals);
    }
    this.engine.push(events);
    if (this.timer) this.wakeAt(events);
  }

  private wakeAt(events: readonly EngineEvent[]): void {
    let earliest = Infinity;
    for (const e of events) if (e.ts < earliest) earliest = e.ts;
    const at = earliest + this.opts.allowedLatenessMs;
    if (!Number.isFinite(at) || (this.wake && this.wake.at <= at)) return;
    if (this.wake) clearTimeout(this.wake.handle);
    this.wakeAtTime(at);
  }

  /**
   * Ticks once the clock reads `at`. A timer counts from the event loop's cached time, which lags the clock by however
   * long the current callback has run: it can fire before the clock reads `at`, and a tick then would leave the
   * reading undecided until the next regular tick. So it waits out the rest first.
   */
  private wakeAtTime(at: number): void {
    const handle = setTimeout(
      () => {
        this.wake = undefined;
        if (this.clock.nowMs() < at) this.wakeAtTime(at);
        else this.tick();
      },
      // The clock may run faster than real time (a scenario clock): the wait is real.
      this.clock.realDelayMs(at - this.clock.nowMs()),
    );
    handle.unref?.();
    this.wake = { at, handle };
  }

  async start(): Promise<void> {
    await this.recover();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref?.();
    if (this.ports.silences) {
      this.silenceTimer = setInterval(
        () =>
          void this.syncSilences().catch((err) =>
            this.logger.warn({ err }, 'reading silences failed; keeping the last ones'),
          ),
        SILENCE_SYNC_MS,
      );
      this.silenceTimer.unref?.();
    }
  }

  /**
   * Makes the engine's silences those stored (new, changed, expired early, deleted), the stored ones being the truth
   * whichever API process took them. A shortened silence lets a held raise through at the next reading of its key.
   */
  async syncSilences(since = this.clock.nowMs() - this.opts.allowedLatenessMs): Promise<void> {
    if (!this.ports.silences) return;
    const stored = await this.ports.silences(new Date(since));
    this.silenceSet = stored;
    this.engine.setSilences(stored);
    this.early?.setSilences(stored);
  }

  /** Advances the watermark to the clock's time and queues the signals decided; exposed for tests and replay drivers. */
  tick(): IncidentSignal[] {
    if (this.recovering || this.stopped) return [];
    const now = this.clock.nowMs();
    const decided = this.engine.advanceTo(now);
    const signals = this.early
      ? [...this.early.reconcile(decided, this.engine.watermark), ...this.early.advance(now)]
      : decided;
    if (signals.length) this.enqueue(signals);
    return signals;
  }

  /** Resolves when every queued signal has been applied. */
  async settled(): Promise<void> {
    while (this.applying) await this.applying;
  }

  status(): CorrelationStatus {
    return {
      recovered: !this.recovering,
      recoveredEvents: this.counters.recoveredEvents,
      queuedSignals: this.queue.length,
      appliedSignals: this.counters.appliedSignals,
      failedAttempts: this.counters.failedAttempts,
      deadLettered: { count: this.counters.deadLettered, last: [...this.deadLetters] },
      engine: this.engine.stats(),
      ...(this.early && { early: this.early.stats() }),
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    if (this.wake) clearTimeout(this.wake.handle);
    this.wake = undefined;
    // Decided signals are applied before the process goes (the pool closes after this), unless the database is away.
    const drain = this.settled();
    this.stopped = true;
    this.halt.abort();
    await drain;
  }

  private newEngine(startAt: number): CorrelationEngine {
    const engine = new CorrelationEngine({
      rules: this.opts.rules,
      topology: this.opts.topology,
      allowedLatenessMs: this.opts.allowedLatenessMs,
      startAt,
    });
    engine.setSilences(this.silenceSet);
    if (this.opts.earlyFiring) {
      const early = new EarlyFiring(this.opts.rules, this.opts.topology, startAt);
      early.setSilences(this.silenceSet);
      this.early = early.enabled ? early : undefined;
    }
    return engine;
  }

  private async recover(): Promise<void> {
    const until = this.clock.nowMs();
    const from = until - this.opts.recoveryMs;
    const lateness = this.opts.allowedLatenessMs;
    // Silence is counted from the oldest reading replayed (from now on an empty database), so a fresh start does not
    // take every registered device for offline.
    let started = false;
    if (this.ports.silences) {
      // Silences in force during the replayed history apply to it too, as they did live.
      this.silenceSet = await this.ports.silences(new Date(from)).catch((err) => {
        this.logger.warn({ err }, 'reading silences failed; recovering without them');
        return [] as readonly Silence[];
      });
    }
    const active = new Map<string, Extract<IncidentSignal, { op: 'raise' }>>();
    const track = (signals: readonly IncidentSignal[]) => {
      for (const s of signals) {
        if (s.op === 'raise') active.set(s.key, s);
        else if (s.op === 'clear') active.delete(s.key);
        else {
          const raised = active.get(s.key);
          if (raised)
            active.set(s.key, {
              ...raised,
              severity: s.severity ?? raised.severity,
              evidence: [...raised.evidence, ...s.evidence].slice(-50),
            });
        }
      }
    };
    // Field reports are few: all of the window at once, merged into the history pages by time.
    const reports =
      this.opts.recoveryMs > 0 && this.ports.reports
        ? (await this.ports.reports(new Date(from), new Date(until))).map(reportToEngineEvent)
        : [];
    let nextReport = 0;
    if (this.opts.recoveryMs > 0) {
      for await (const page of this.ports.history(new Date(from), new Date(until))) {
        if (page.length === 0) continue;
        if (!started) {
          this.engine = this.newEngine(Math.min(page[0].ts.getTime(), reports[nextReport]?.ts ?? Infinity));
          started = true;
        }
        const events = page.map(toEngineEvent);
        const lastTs = page[page.length - 1].ts.getTime();
        while (nextReport < reports.length && reports[nextReport].ts <= lastTs) events.push(reports[nextReport++]);
        this.engine.push(events);
        this.counters.recoveredEvents += events.length;
        // Replay runs the watermark on the history's own time (advanceTo subtracts the lateness).
        track(this.engine.advanceTo(page[page.length - 1].ts.getTime() + lateness));
        // The early engine replays the same history (in canonical order, as nothing is late), its decisions unused.
        this.early?.replay(events, page[page.length - 1].ts.getTime());
      }
    }
    const laterReports = reports.slice(nextReport);
    if (!started) this.engine = this.newEngine(Math.min(until - lateness, laterReports[0]?.ts ?? Infinity));
    this.engine.push(laterReports);
    this.counters.recoveredEvents += laterReports.length;
    this.recovering = false;
    this.engine.push(this.buffered);
    this.early?.replay([...laterReports, ...this.buffered], this.clock.nowMs());
    this.buffered = [];
    track(this.engine.advanceTo(this.clock.nowMs()));
    this.early?.recovered(active);
    this.logger.info(
      { events: this.counters.recoveredEvents, activeAlarms: active.size, from: new Date(from).toISOString() },
      'correlation state rebuilt from stored history',
    );
    if (active.size) this.enqueue([...active.values()]);
    await this.settled();
  }

  private enqueue(signals: readonly IncidentSignal[]): void {
    this.queue.push(...signals);
    if (!this.applying) {
      this.applying = this.applyAll().finally(() => {
        this.applying = undefined;
      });
    }
  }

  private async applyAll(): Promise<void> {
    while (this.queue.length) {
      const signal = this.queue[0];
      const outcome = await retry(() => this.ports.applySignal(signal), {
        isTransient: isTransientSignalFailure,
        backoff: { initialMs: 50, maxMs: this.opts.retryMaxMs ?? 5_000 },
        sleep: this.opts.sleep,
        signal: this.halt.signal,
        onRetry: (err, attempt, delayMs) => {
          this.counters.failedAttempts++;
          this.logger.warn(
            { err, key: signal.key, op: signal.op, attempt, retryInMs: delayMs },
            'applying an engine signal failed; retrying',
          );
        },
      }).then(
        (change) => ({ change }),
        (err: unknown) => ({ err }),
      );
      if ('err' in outcome) {
        this.counters.failedAttempts++;
        // retry() gives up on a transient failure only when stopped.
        if (isTransientSignalFailure(outcome.err)) {
          this.logger.error(
            { err: outcome.err, pending: this.queue.length },
            'stopping with engine signals not applied; they are decided again from history on the next start',
          );
          return;
        }
        this.queue.shift();
        await this.deadLetter(signal, outcome.err);
        continue;
      }
      const change = outcome.change;
      this.queue.shift();
      this.counters.appliedSignals++;
      for (const inc of change.incidents) {
        this.logger.info(
          { incidentId: inc.id, key: inc.key, op: signal.op, state: inc.state, severity: inc.severity },
          'incident changed by the engine',
        );
      }
      await this.ports
        .changed(change)
        .catch((err) => this.logger.error({ err, key: signal.key }, 'fan-out of an incident change failed'));
    }
  }

  private async deadLetter(signal: IncidentSignal, err: unknown): Promise<void> {
    const deviceIds =
      signal.op === 'clear'
        ? []
        : [...new Set(signal.evidence.flatMap((e) => (e.deviceId === undefined ? [] : [e.deviceId])))];
    const letter: DeadLetter = {
      at: this.clock.nowMs(),
      key: signal.key,
      op: signal.op,
      code: failureCode(err),
      message: err instanceof Error ? err.message : String(err),
      deviceIds,
      signal,
    };
    this.counters.deadLettered++;
    this.deadLetters.push(letter);
    if (this.deadLetters.length > DEAD_LETTERS_KEPT) this.deadLetters.shift();
    this.logger.error(
      { err, key: signal.key, op: signal.op, code: letter.code, deviceIds },
      'an engine signal failed for a reason that would recur: set aside as a dead letter, the next goes on',
    );
    const record = this.ports.deadLettered;
    if (record)
      await Promise.resolve()
        .then(() => record(letter))
        .catch((again) =>
          this.logger.error(
            { err: again, key: signal.key },
            'recording a dead letter failed; it is kept in memory only',
          ),
        );
  }
}
