import { SocketWatcher } from '@ioc/testing';

/**
 * The operators' side of bench:push, run as its own process so that 100 socket.io clients decoding ~100,000 deliveries
 * a second do not share an event loop with the change generator (whose commit times are the other end of the
 * latency). Talks to the bench over the IPC channel:
 *   ← {type:'start', baseUrl, sockets:[{token, ward?}]}   → {type:'ready'} once every socket is live
 *   ← {type:'finish', committed:[[seq, atMs, ward]]}      → {type:'result', …} once every expected delivery arrived (or 15 s)
 * The bench runs several of these (BENCH_WATCHER_PROCESSES) and adds their results up.
 * Times are absolute (performance.timeOrigin + performance.now()), comparable between the two processes.
 */
interface Start {
  type: 'start';
  baseUrl: string;
  sockets: Array<{ token: string; ward?: string }>;
}
interface Finish {
  type: 'finish';
  committed: Array<[number, number, string]>;
}

const now = () => performance.timeOrigin + performance.now();
const HISTOGRAM_BUCKETS = 100_000;
const send = (m: unknown) => process.send?.(m);

class Deliveries {
  seq = new Float64Array(1 << 21);
  at = new Float64Array(1 << 21);
  length = 0;
  push(seq: number, at: number) {
    if (this.length === this.seq.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.seq = grow(this.seq);
      this.at = grow(this.at);
    }
    this.seq[this.length] = seq;
    this.at[this.length++] = at;
  }
}

let watchers: Array<{ w: SocketWatcher; ward?: string }> = [];
const deliveries = new Deliveries();

async function start(m: Start): Promise<void> {
  watchers = m.sockets.map(({ token, ward }) => ({
    ward,
    w: new SocketWatcher(m.baseUrl, token, {
      subscription: ward ? { wards: [ward] } : {},
      keep: false,
      onEvent: (e, at) => deliveries.push(e.seq, performance.timeOrigin + at),
    }),
  }));
  await Promise.all(watchers.map(({ w }) => w.connected()));
  send({ type: 'ready' });
}

async function finish(m: Finish): Promise<void> {
  const committedAt = new Map<number, number>();
  const perWard = new Map<string, number>();
  for (const [seq, at, ward] of m.committed) {
    committedAt.set(seq, at);
    perWard.set(ward, (perWard.get(ward) ?? 0) + 1);
  }
  const expectedFor = (ward?: string) => (ward ? (perWard.get(ward) ?? 0) : m.committed.length);
  const expected = watchers.reduce((n, { ward }) => n + expectedFor(ward), 0);
  const received = () => watchers.reduce((n, { w }) => n + w.received - w.duplicates, 0);
  const deadline = now() + 15_000;
  while (received() < expected && now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const drainedAt = now();
  // Latencies as a histogram of 0.1 ms buckets (the last one: 10 s and more), mergeable across watcher processes.
  const histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  let lastAt = 0;
  for (let i = 0; i < deliveries.length; i++) {
    const t = committedAt.get(deliveries.seq[i]);
    if (t !== undefined)
      histogram[Math.max(0, Math.min(HISTOGRAM_BUCKETS - 1, Math.floor((deliveries.at[i] - t) * 10)))]++;
    lastAt = Math.max(lastAt, deliveries.at[i]);
  }
  let missed = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const { w, ward } of watchers) {
    missed += Math.max(0, expectedFor(ward) - (w.received - w.duplicates));
    duplicated += w.duplicates;
    outOfOrder += w.outOfOrder - w.duplicates;
  }
  const sparse = histogram.flatMap((count, bucket) => (count ? [[bucket, count]] : []));
  for (const { w } of watchers) w.close();
  // Exit by itself once the result is out (a profile, if one was asked for, is written on a normal exit).
  process.send?.(
    {
      type: 'result',
      delivered: received(),
      expected,
      missed,
      duplicated,
      outOfOrder,
      lastAt: lastAt || drainedAt,
      histogram: sparse,
    },
    () => process.exit(0),
  );
}

process.on('message', (m: Start | Finish) => {
  const run = m.type === 'start' ? start(m) : finish(m);
  run.catch((err) => {
    process.stderr.write(`push watchers failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
});
