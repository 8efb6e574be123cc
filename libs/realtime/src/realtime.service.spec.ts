import type { IncidentEventMessage } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';
import pino from 'pino';
import type { IncidentFeed } from './incident-feed';
import { RealtimeService, type IocNamespace, type IocSocket } from './realtime.service';

const WARDS = new Set(['ward-p3', 'ward-p10']);

const event = (seq: number): StoredIncidentEvent =>
  ({
    seq,
    version: 1,
    incidentId: `i${seq}`,
    type: 'commented',
    at: seq,
    actor: 'u',
    data: { text: `${seq}` },
  }) as StoredIncidentEvent;
const message = (e: StoredIncidentEvent, ward = 'ward-p3', key = 'k', exercise = false): IncidentEventMessage =>
  ({
    ...e,
    incident: {
      id: e.incidentId,
      key,
      type: 'urban-flooding',
      domain: 'flood',
      zone: { kind: 'ward', id: ward },
      wards: [ward],
      severity: 'minor',
      state: 'open',
      title: { vi: '', en: '' },
      exercise,
    },
  }) as IncidentEventMessage;

/** socket.io's side, reduced to what the service uses: rooms, local broadcast, per-socket emit. */
class FakeNamespace {
  readonly sockets = new Map<string, FakeSocket>();
  readonly local = {
    to: (rooms: string | string[]) => ({
      emit: (event: string, payload: unknown) => {
        const list = Array.isArray(rooms) ? rooms : [rooms];
        for (const s of this.sockets.values()) if (list.some((r) => s.rooms.has(r))) s.received(event, payload);
      },
    }),
  };
}

class FakeSocket {
  readonly rooms = new Set<string>();
  readonly seqs: number[] = [];
  readonly other: Array<[string, unknown]> = [];
  constructor(
    readonly id: string,
    readonly data: { principal: { role: string; userId?: string } },
  ) {}
  join(room: string) {
    this.rooms.add(room);
  }
  leave(room: string) {
    this.rooms.delete(room);
  }
  emit(event: string, payload: unknown) {
    this.received(event, payload);
  }
  received(event: string, payload: unknown) {
    if (event === 'incident:events') this.seqs.push(...(payload as IncidentEventMessage[]).map((m) => m.seq));
    else this.other.push([event, payload]);
  }
}

/** The feed as the service sees it: batches it dispatches, its head, and summaries for catch-up rows. */
class FakeFeed {
  head = 0;
  private listener?: (b: readonly IncidentEventMessage[]) => void;
  onBatch(l: (b: readonly IncidentEventMessage[]) => void) {
    this.listener = l;
  }
  dispatch(...seqs: number[]) {
    this.head = Math.max(this.head, ...seqs);
    this.listener!(seqs.map((s) => message(event(s), s % 2 ? 'ward-p3' : 'ward-p10')));
  }
  /** Exercise incidents' events, with their keys. */
  dispatchExercise(...events: Array<[number, string]>) {
    this.head = Math.max(this.head, ...events.map(([s]) => s));
    this.listener!(events.map(([s, key]) => message(event(s), 'ward-p3', key, true)));
  }
  async withCurrentSummaries(rows: readonly StoredIncidentEvent[]) {
    return rows.map((r) => message(r, r.seq % 2 ? 'ward-p3' : 'ward-p10'));
  }
}

/** A database whose reads can be held, to let batches be dispatched while a catch-up is in flight. */
class HeldLog {
  committed: StoredIncidentEvent[] = [];
  private gate?: Promise<void>;
  private open?: () => void;
  hold() {
    this.gate = new Promise((r) => (this.open = r));
  }
  release() {
    this.open?.();
    this.gate = undefined;
  }
  commit(...seqs: number[]) {
    this.committed.push(...seqs.map((s) => event(s)));
  }
  async headSeq() {
    return this.committed.at(-1)?.seq ?? 0;
  }
  async eventsSince(seq: number, limit: number) {
    // The snapshot is taken when the read starts, as a query's would be.
    const rows = this.committed.filter((e) => e.seq > seq).slice(0, limit);
    if (this.gate) await this.gate;
    return rows;
  }
}

function setup(options = { catchUpPage: 3, catchUpMax: 50 }) {
  const feed = new FakeFeed();
  const log = new HeldLog();
  /** Trainees' exercises (key prefixes); users not listed see every exercise. */
  const assigned = new Map<string, string[]>();
  const asked: string[] = [];
  const service = new RealtimeService(
    feed as unknown as IncidentFeed,
    log,
    WARDS,
    options,
    pino({ level: 'silent' }),
    async (p) => (asked.push(p.userId), assigned.get(p.userId) ?? null),
  );
  const nsp = new FakeNamespace();
  service.attach(nsp as unknown as IocNamespace);
  const connect = (id: string, principal = { role: 'operator', userId: id }) => {
    const s = new FakeSocket(id, { principal });
    nsp.sockets.set(id, s);
    service.connected(s as unknown as IocSocket);
    return s;
  };
  return { feed, log, service, connect, assigned, asked };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RealtimeService (catch-up, then live; each seq once, ascending)', () => {
  it('live from the head when the client has no seq yet', async () => {
    const { feed, service, connect } = setup();
    feed.dispatch(1, 2);
    const s = connect('a');
    await expect(service.resume(s as unknown as IocSocket, { afterSeq: null })).resolves.toEqual({
      ok: true,
      replayed: 0,
      headSeq: 2,
    });
    feed.dispatch(3, 4);
    expect(s.seqs).toEqual([3, 4]);
  });

  it('merges batches dispatched during the catch-up with the database pages: no gap, no duplicate', async () => {
    const { feed, log, service, connect } = setup({ catchUpPage: 10, catchUpMax: 50 });
    log.commit(1, 2, 3, 4, 5);
    feed.dispatch(1, 2, 3, 4, 5);
    const s = connect('a');
    log.hold();
    const resumed = service.resume(s as unknown as IocSocket, { afterSeq: 1 });
    await tick();
    // While the first page is read: more commits, dispatched live (some overlap the pages still to come).
    log.commit(6, 7);
    feed.dispatch(6, 7);
    log.release();
    await expect(resumed).resolves.toMatchObject({ ok: true, headSeq: 7 });
    expect(s.seqs).toEqual([2, 3, 4, 5, 6, 7]);
    log.commit(8);
    feed.dispatch(8);
    expect(s.seqs).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('a catch-up that read beyond the feed head filters the next batches by seq, then joins the room', async () => {
    const { feed, log, service, connect } = setup();
    log.commit(1, 2, 3, 4);
    feed.dispatch(1, 2);
    const s = connect('a');
    await service.resume(s as unknown as IocSocket, { afterSeq: 0 });
    expect(s.seqs).toEqual([1, 2, 3, 4]);
    feed.dispatch(3); // still behind what the client has
    log.commit(5);
    feed.dispatch(4, 5);
    feed.dispatch(6);
    expect(s.seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('filters by subscription in the catch-up, the buffer and live (odd seqs are ward-p3, even ward-p10)', async () => {
    const { feed, log, service, connect } = setup({ catchUpPage: 10, catchUpMax: 50 });
    log.commit(1, 2, 3, 4);
    feed.dispatch(1, 2, 3, 4);
    const s = connect('a');
    await expect(service.subscribe(s as unknown as IocSocket, { wards: ['ward-p10'] })).resolves.toMatchObject({
      ok: true,
      wards: ['ward-p10'],
    });
    log.hold();
    const resumed = service.resume(s as unknown as IocSocket, { afterSeq: 0 });
    await tick();
    log.commit(5, 6);
    feed.dispatch(5, 6);
    log.release();
    await resumed;
    feed.dispatch(7, 8);
    expect(s.seqs).toEqual([2, 4, 6, 8]);
    await service.subscribe(s as unknown as IocSocket, { wards: ['ward-p3'] });
    feed.dispatch(9, 10);
    expect(s.seqs).toEqual([2, 4, 6, 8, 9]);
  });

  it('a later resume supersedes one in flight; a disconnect stops it', async () => {
    const { feed, log, service, connect } = setup();
    log.commit(1, 2, 3);
    feed.dispatch(1, 2, 3);
    const s = connect('a');
    log.hold();
    const first = service.resume(s as unknown as IocSocket, { afterSeq: 0 });
    await tick();
    log.release();
    const second = service.resume(s as unknown as IocSocket, { afterSeq: 2 });
    await expect(first).resolves.toMatchObject({ ok: false });
    await expect(second).resolves.toMatchObject({ ok: true, replayed: 1 });
    expect(s.seqs).toEqual([3]);
  });

  it('asks a client too far behind to reload instead of replaying without end', async () => {
    const { feed, log, service, connect } = setup({ catchUpPage: 3, catchUpMax: 5 });
    log.commit(1, 2, 3, 4, 5, 6, 7, 8);
    feed.dispatch(1, 2, 3, 4, 5, 6, 7, 8);
    const s = connect('a');
    await expect(service.resume(s as unknown as IocSocket, { afterSeq: 0 })).resolves.toMatchObject({
      ok: false,
      code: 'REALTIME_RESYNC_REQUIRED',
      headSeq: 8,
    });
    expect(s.other).toEqual([['incident:resync-required', { reason: 'too-far-behind', headSeq: 8 }]]);
    feed.dispatch(9);
    expect(s.seqs).not.toContain(9);
  });

  it("keeps two exercises apart: a trainee's socket gets only their own exercise's incidents", async () => {
    const { feed, service, connect, assigned, asked } = setup();
    assigned.set('a', ['exercise-aaaaaaaa/']);
    assigned.set('b', ['exercise-bbbbbbbb/']);
    const a = connect('a');
    const b = connect('b');
    const trainer = connect('t', { role: 'trainer', userId: 't' });
    for (const s of [a, b, trainer]) {
      await service.subscribe(s as unknown as IocSocket, { exercise: true });
      await service.resume(s as unknown as IocSocket, { afterSeq: null });
    }
    feed.dispatchExercise([1, 'exercise-aaaaaaaa/r1'], [2, 'exercise-bbbbbbbb/r1'], [3, 'exercise-aaaaaaaa/r2']);
    feed.dispatch(4); // live: not on an exercise subscription
    expect(a.seqs).toEqual([1, 3]);
    expect(b.seqs).toEqual([2]);
    expect(trainer.seqs).toEqual([1, 2, 3]);
    // Delivery asks nothing: the scope was read once per subscribe.
    expect(asked).toEqual(['a', 'b', 't']);

    // The trainer moves b to exercise A: the periodic refresh moves b's socket to A's room.
    assigned.set('b', ['exercise-aaaaaaaa/']);
    await service.refreshExerciseScopes();
    feed.dispatchExercise([5, 'exercise-aaaaaaaa/r3'], [6, 'exercise-bbbbbbbb/r3']);
    expect(b.seqs).toEqual([2, 5]);
    expect(a.seqs).toEqual([1, 3, 5]);
    // Unassigned: nothing of any exercise.
    assigned.set('a', []);
    await service.refreshExerciseScopes();
    feed.dispatchExercise([7, 'exercise-aaaaaaaa/r4']);
    expect(a.seqs).toEqual([1, 3, 5]);
  });
});
