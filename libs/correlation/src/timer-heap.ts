/** Something the engine calls back at an event time it asked for. */
export interface TimerTarget {
  onTimer(due: number, arg: string): void;
}

/**
 * Min-heap of timers ordered by (due time, insertion sequence): equal due times fire in the order they were set,
 * which is itself deterministic because events are processed in canonical order.
 */
export class TimerHeap {
  private due: number[] = [];
  private seq: number[] = [];
  private target: TimerTarget[] = [];
  private arg: string[] = [];
  private next = 0;

  get size(): number {
    return this.due.length;
  }

  peekDue(): number {
    return this.due.length ? this.due[0] : Infinity;
  }

  push(due: number, target: TimerTarget, arg: string): void {
    let i = this.due.length;
    this.due.push(due);
    this.seq.push(this.next++);
    this.target.push(target);
    this.arg.push(arg);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the earliest timer and calls it. */
  fireNext(): void {
    const due = this.due[0];
    const target = this.target[0];
    const arg = this.arg[0];
    const last = this.due.length - 1;
    this.swap(0, last);
    this.due.pop();
    this.seq.pop();
    this.target.pop();
    this.arg.pop();
    let i = 0;
    const n = this.due.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    target.onTimer(due, arg);
  }

  private less(a: number, b: number): boolean {
    return this.due[a] < this.due[b] || (this.due[a] === this.due[b] && this.seq[a] < this.seq[b]);
  }

  private swap(a: number, b: number): void {
    [this.due[a], this.due[b]] = [this.due[b], this.due[a]];
    [this.seq[a], this.seq[b]] = [this.seq[b], this.seq[a]];
    [this.target[a], this.target[b]] = [this.target[b], this.target[a]];
    [this.arg[a], this.arg[b]] = [this.arg[b], this.arg[a]];
  }
}
