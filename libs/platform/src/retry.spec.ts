import { backoffDelay, realSleep, retry, type RetryOptions } from './retry';

class Transient extends Error {}
const isTransient = (err: unknown) => err instanceof Transient;

/** A call that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const err = errors.shift();
    if (err) throw err;
    return 'ok';
  };
  return { fn, calls };
}

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retry', () => {
  const backoff = { initialMs: 100, maxMs: 500 };

  it('returns the first success without waiting', async () => {
    const { fn, calls } = failing();
    const { sleep, waits } = fakeSleep();
    await expect(retry(fn, { isTransient, backoff, sleep })).resolves.toBe('ok');
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('retries transient failures with capped exponential backoff until the call succeeds', async () => {
    const { fn, calls } = failing(...Array.from({ length: 6 }, () => new Transient('db down')));
    const { sleep, waits } = fakeSleep();
    const told: Array<[number, number]> = [];
    const opts: RetryOptions = {
      isTransient,
      backoff,
      sleep,
      onRetry: (err, attempt, delayMs) => told.push([attempt, delayMs]),
    };
    await expect(retry(fn, opts)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(waits).toEqual([100, 200, 400, 500, 500, 500]);
    expect(told).toEqual(waits.map((ms, i) => [i + 1, ms]));
  });

  it('throws a failure that is not transient at once', async () => {
    const deterministic = new Error('duplicate key value violates unique constraint');
    const { fn, calls } = failing(deterministic);
    const { sleep, waits } = fakeSleep();
    await expect(retry(fn, { isTransient, backoff, sleep })).rejects.toBe(deterministic);
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('throws a deterministic failure that follows transient ones, without waiting after it', async () => {
    const deterministic = new Error('a bug');
    const { fn, calls } = failing(new Transient('db down'), deterministic);
    const { sleep, waits } = fakeSleep();
    await expect(retry(fn, { isTransient, backoff, sleep })).rejects.toBe(deterministic);
    expect(calls).toEqual([1, 2]);
    expect(waits).toEqual([100]);
  });

  it('a stop signal ends the wait under way and throws the last failure', async () => {
    const down = new Transient('db down');
    const { fn, calls } = failing(down, down, down);
    const stop = new AbortController();
    // A sleep that never ends by itself (and ignores the signal): only the abort can end the wait.
    const never = () => new Promise<void>(() => undefined);
    let waiting = 0;
    const p = retry(fn, { isTransient, backoff, sleep: never, signal: stop.signal, onRetry: () => waiting++ });
    await new Promise((r) => setImmediate(r));
    expect(waiting).toBe(1);
    stop.abort();
    await expect(p).rejects.toBe(down);
    expect(calls).toEqual([1]);
  });

  it('tries once more but does not wait again once stopped', async () => {
    const down = new Transient('db down');
    const stop = new AbortController();
    stop.abort();
    const { fn, calls } = failing(down);
    const { sleep, waits } = fakeSleep();
    await expect(retry(fn, { isTransient, backoff, sleep, signal: stop.signal })).rejects.toBe(down);
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('passes on a failure of the sleep itself', async () => {
    const broken = new Error('sleep broke');
    const { fn } = failing(new Transient('db down'));
    await expect(
      retry(fn, { isTransient, backoff, sleep: () => Promise.reject(broken), signal: new AbortController().signal }),
    ).rejects.toBe(broken);
  });
});

describe('backoffDelay', () => {
  it('grows by the factor from the first wait and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ initialMs: 50, maxMs: 1_000, factor: 3 }, n))).toEqual([
      50, 150, 450, 1_000,
    ]);
  });

  it('is the cap however many failures there were', () => {
    expect(backoffDelay({ initialMs: 100, maxMs: 5_000 }, 5_000)).toBe(5_000);
    expect(backoffDelay({ initialMs: 0, maxMs: 5_000 }, 5_000)).toBe(5_000);
  });
});

describe('realSleep', () => {
  it('waits the time it is given', async () => {
    const started = Date.now();
    await realSleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('ends early when its signal aborts', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const p = realSleep(60_000, stop.signal);
    stop.abort();
    await p;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
