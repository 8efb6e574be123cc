/** Least-squares slope (per hour) of (t ms, v) samples; NaN with fewer than 3 points. */
export function slopePerHour(ts: readonly number[], vs: readonly number[], from: number, to: number): number {
  const n = to - from;
  if (n < 3) return NaN;
  const t0 = ts[from];
  let st = 0;
  let sv = 0;
  for (let i = from; i < to; i++) {
    st += (ts[i] - t0) / 3_600_000;
    sv += vs[i];
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (let i = from; i < to; i++) {
    const dt = (ts[i] - t0) / 3_600_000 - mt;
    num += dt * (vs[i] - mv);
    den += dt * dt;
  }
  return den > 0 ? num / den : NaN;
}

/** A time series kept over a window, at most one sample per `minStepMs` (the latest wins). */
export class WindowSeries {
  readonly t: number[] = [];
  readonly v: number[] = [];
  constructor(
    private readonly windowMs: number,
    private readonly minStepMs = 60_000,
  ) {}

  add(t: number, v: number): void {
    const n = this.t.length;
    if (n && t - this.t[n - 1] < this.minStepMs) {
      this.v[n - 1] = v;
      return;
    }
    this.t.push(t);
    this.v.push(v);
    if (this.t[0] < t - this.windowMs) {
      let drop = 1;
      while (drop < this.t.length && this.t[drop] < t - this.windowMs) drop++;
      if (drop === 1) {
        this.t.shift();
        this.v.shift();
      } else {
        this.t.splice(0, drop);
        this.v.splice(0, drop);
      }
    }
  }

  get span(): number {
    return this.t.length ? this.t[this.t.length - 1] - this.t[0] : 0;
  }

  slopePerHour(): number {
    return slopePerHour(this.t, this.v, 0, this.t.length);
  }

  get last(): number {
    return this.v.length ? this.v[this.v.length - 1] : NaN;
  }
}
