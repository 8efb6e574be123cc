import pino from 'pino';
import { GroupCommitter } from './group-committer';

const logger = pino({ level: 'silent' });
const tick = () => new Promise((r) => setImmediate(r));

class TransientError extends Error {}

function setup(overrides: Partial<ConstructorParameters<typeof GroupCommitter<number>>[0]> = {}) {
  const committed: number[][] = [];
  const committer = new GroupCommitter<number>({
    maxBatch: 100,
    maxConcurrent: 2,
    retryMaxMs: 5,
    commit: async (units) => {
      committed.push(units);
    },
    isTransient: (e) => e instanceof TransientError,
    onPoison: (u) => -u,
    logger,
    sleep: async () => undefined,
    ...overrides,
  });
  return { committer, committed };
}

describe('GroupCommitter', () => {
  it('resolves each submit only after the commit that carried it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { committer } = setup({ commit: () => gate });
    let done = false;
    const p = committer.submit(1).then(() => (done = true));
    await tick();
    await tick();
    expect(done).toBe(false);
    release();
    await p;
    expect(done).toBe(true);
  });

  it('groups units that arrive while commits are in flight', async () => {
    const gates: Array<() => void> = [];
    const committed: number[][] = [];
    const { committer } = setup({
      maxConcurrent: 1,
      commit: (units) => {
        committed.push(units);
        return new Promise<void>((r) => gates.push(r));
      },
    });
    const all = [1, 2, 3, 4, 5].map((u) => committer.submit(u));
    await tick();
    expect(committed).toEqual([[1, 2, 3, 4, 5]]);
    const more = [6, 7, 8].map((u) => committer.submit(u));
    await tick();
    expect(committed).toHaveLength(1);
    gates[0]();
    await Promise.all(all);
    await tick();
    expect(committed[1]).toEqual([6, 7, 8]);
    gates[1]();
    await Promise.all(more);
  });

  it('respects maxBatch', async () => {
    const { committer, committed } = setup({ maxBatch: 3, maxConcurrent: 1 });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((u) => committer.submit(u)));
    expect(committed.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('retries transient failures until the database is back, losing nothing', async () => {
    let failures = 5;
    const { committer, committed } = setup({
      commit: async (units) => {
        if (failures-- > 0) throw new TransientError('db down');
        committed.push(units);
      },
    });
    await Promise.all([1, 2, 3].map((u) => committer.submit(u)));
    expect(committed.flat().sort()).toEqual([1, 2, 3]);
    expect(committer.stats.retries).toBe(5);
  });

  it('backs off between retries, doubling up to retryMaxMs', async () => {
    let failures = 5;
    const waits: number[] = [];
    const { committer } = setup({
      retryMaxMs: 400,
      sleep: async (ms) => void waits.push(ms),
      commit: async () => {
        if (failures-- > 0) throw new TransientError('db down');
      },
    });
    await committer.submit(1);
    expect(waits).toEqual([100, 200, 400, 400, 400]);
  });

  it('isolates a poison unit by bisection and commits its replacement, the rest untouched', async () => {
    const { committer, committed } = setup({
      commit: async (units) => {
        if (units.includes(3)) throw new Error('value out of range');
        committed.push(units);
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((u) => committer.submit(u)));
    expect(committed.flat().sort((a, b) => a - b)).toEqual([-3, 1, 2, 4, 5]);
    expect(committer.stats.poisoned).toBe(1);
  });

  it('drain waits for everything submitted', async () => {
    const { committer, committed } = setup();
    void committer.submit(1);
    void committer.submit(2);
    await committer.drain();
    expect(committed.flat()).toEqual([1, 2]);
    expect(committer.pending).toBe(0);
  });
});

describe('GroupCommitter pipelining', () => {
  it('spreads waiting units over the free commit slots', async () => {
    const { committer, committed } = setup({ maxConcurrent: 3 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.submit(i)));
    expect(committed.map((b) => b.length)).toEqual([4, 3, 3]);
    expect(committed.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
