/** A device may send `ratePerS` messages a second on average, and up to `burst` at once after a quiet spell. */
export interface DeviceRateLimit {
  readonly ratePerS: number;
  readonly burst: number;
}

interface Bucket {
  /** In thousandths of a message, so that integer rates and millisecond times add up exactly (no float drift). */
  milliTokens: number;
  updatedAt: number;
}

const ONE = 1000;

/** Idle buckets are looked for at most this often (a sweep walks every bucket). */
const MIN_SWEEP_INTERVAL_MS = 60_000;

/**
 * A token bucket per device, on the time it is given (the message's receive time from the injected clock, never the
 * wall clock). On the hot path: one Map lookup and two numbers updated in place per message; a bucket is allocated
 * only for a device's first message. A bucket idle long enough to be full again is the same as none, so such buckets
 * are dropped: memory follows the devices heard from recently, not every id ever seen.
 */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  /** How long an empty bucket takes to fill. */
  private readonly refillMs: number;
  private readonly sweepIntervalMs: number;
  private nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(readonly limit: DeviceRateLimit) {
    if (!(limit.ratePerS > 0) || !(limit.burst >= 1)) {
      throw new RangeError(`a rate limit needs ratePerS > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
    }
    this.capacity = limit.burst * ONE;
    // ratePerS thousandths of a message come back each millisecond.
    this.refillMs = this.capacity / limit.ratePerS;
    this.sweepIntervalMs = Math.max(MIN_SWEEP_INTERVAL_MS, this.refillMs);
  }

  /** Takes one token from the device's bucket at `nowMs`; false when there is none (the message is over the limit). */
  take(deviceId: string, nowMs: number): boolean {
    if (nowMs >= this.nextSweepAt) this.sweep(nowMs);
    const bucket = this.buckets.get(deviceId);
    if (bucket === undefined) {
      this.buckets.set(deviceId, { milliTokens: this.capacity - ONE, updatedAt: nowMs });
      return true;
    }
    // A clock that steps back refills nothing (and takes nothing back).
    if (nowMs > bucket.updatedAt) {
      bucket.milliTokens = Math.min(
        this.capacity,
        bucket.milliTokens + (nowMs - bucket.updatedAt) * this.limit.ratePerS,
      );
      bucket.updatedAt = nowMs;
    }
    if (bucket.milliTokens < ONE) return false;
    bucket.milliTokens -= ONE;
    return true;
  }

  /** Devices with a bucket. */
  get size(): number {
    return this.buckets.size;
  }

  /** e.g. "10 msg/s (bursts of up to 600)": for the reasons given to devices. */
  describe(): string {
    return `${this.limit.ratePerS} msg/s (bursts of up to ${this.limit.burst})`;
  }

  private sweep(nowMs: number): void {
    for (const [id, b] of this.buckets) if (nowMs - b.updatedAt >= this.refillMs) this.buckets.delete(id);
    this.nextSweepAt = nowMs + this.sweepIntervalMs;
  }
}
