/** Waits `ms`; injected so tests drive retries without real time. May end early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Capped exponential backoff: the n-th wait (n ≥ 1) is min(maxMs, initialMs × factor^(n−1)). */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Growth per retry; 2 when absent. */
  readonly factor?: number;
}

export interface RetryOptions {
  /** Whether a failure may pass by itself (database away, serialization failure) and the same call is worth repeating. */
  readonly isTransient: (err: unknown) => boolean;
  readonly backoff: Backoff;
  /** setTimeout when absent. */
  readonly sleep?: Sleep;
  /** Told of each transient failure before its wait (logs, counters); `attempt` counts the failures so far, from 1. */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Once aborted, nothing more is tried: a wait under way ends at once and the last failure is thrown. */
  readonly signal?: AbortSignal;
}

/** The wait after the `attempt`-th failure (from 1). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const delay = backoff.initialMs * (backoff.factor ?? 2) ** Math.max(0, attempt - 1);
  // Past ~2^1000 the product is Infinity (or NaN for a zero start): the cap is what is meant either way.
  return Number.isFinite(delay) ? Math.min(backoff.maxMs, delay) : backoff.maxMs;
}

/** setTimeout, cut short by an abort (and not holding the process open past it). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Calls `fn` until it succeeds, waiting with capped backoff after each transient failure — for as long as that takes:
 * a database outage is outlasted, not given up on. A failure that is not transient is thrown at once, for the caller
 * to set aside (quarantine, dead letter, a failed exercise). `fn` is told the attempt number (from 1).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!opts.isTransient(err) || opts.signal?.aborted) throw err;
      const delay = backoffDelay(opts.backoff, attempt);
      opts.onRetry?.(err, attempt, delay);
      await waitUnlessAborted(sleep, delay, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}

/** An injected sleep need not know about the signal: the abort ends the wait regardless. */
function waitUnlessAborted(sleep: Sleep, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    sleep(ms, signal).then(done, (err: unknown) => {
      signal.removeEventListener('abort', done);
      reject(err);
    });
  });
}
