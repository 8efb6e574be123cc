/** Binary min-heap of report slots, ordered by (t, device index, channel): a total, deterministic order. */
export interface Slot {
  t: number;
  dev: number;
  ch: number;
}

const less = (a: Slot, b: Slot) => a.t < b.t || (a.t === b.t && (a.dev < b.dev || (a.dev === b.dev && a.ch < b.ch)));

export class SlotHeap {
  private readonly items: Slot[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Slot | undefined {
    return this.items[0];
  }
  push(s: Slot): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Slot | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
