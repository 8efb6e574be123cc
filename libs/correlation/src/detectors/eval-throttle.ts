import type { Runtime } from '../runtime';
import type { TimerTarget } from '../timer-heap';

/** Zone aggregates are evaluated at most this often (event time); sensors report every minute. */
export const EVAL_EVERY_MS = 10_000;

/**
 * Evaluates a zone's aggregate once after the readings of one instant (a timer at the reading's time fires after
 * every event of that time), and then at most every EVAL_EVERY_MS however many readings arrive: the hot path of a
 * dense fleet does one median per zone per 10 s instead of one per reading. Deterministic: event time only.
 */
export class EvalThrottle {
  private readonly due = new Map<string, number>();
  private readonly last = new Map<string, number>();

  constructor(
    private readonly rt: Runtime,
    private readonly target: TimerTarget,
    private readonly prefix = '',
  ) {}

  touch(zoneId: string, ts: number): void {
    if (this.due.has(zoneId)) return;
    const due = Math.max(ts, (this.last.get(zoneId) ?? -Infinity) + EVAL_EVERY_MS);
    this.due.set(zoneId, due);
    this.rt.schedule(due, this.target, this.prefix + zoneId);
  }

  /** Called from the timer: true when this is the pending evaluation. */
  fired(zoneId: string, due: number): boolean {
    if (this.due.get(zoneId) !== due) return false;
    this.due.delete(zoneId);
    this.last.set(zoneId, due);
    return true;
  }
}
