import { buildTopology, loadCity, WardIndex } from '@ioc/city';
import type { IncidentEventMessage } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';
import type { IncidentFeedRecord } from '@ioc/storage';
import { IncidentFeed, type FeedLog } from './incident-feed';
import { Subscription } from './subscription';

const topology = buildTopology(loadCity());
const wards = new WardIndex(topology);

const message = (seq: number, over: Partial<IncidentEventMessage['incident']> = {}): IncidentEventMessage =>
  ({
    seq,
    version: 1,
    incidentId: `i-${seq}`,
    type: 'acknowledged',
    at: 0,
    actor: 'u',
    data: {},
    incident: {
      id: `i-${seq}`,
      key: 'k',
      type: 'urban-flooding',
      domain: 'flood',
      zone: { kind: 'ward', id: 'ward-p3' },
      wards: ['ward-p3'],
      severity: 'minor',
      state: 'open',
      title: { vi: '', en: '' },
      exercise: false,
      ...over,
    },
  }) as IncidentEventMessage;

describe('Subscription', () => {
  it('matches by ward (any of the incident wards), domain and live/exercise', () => {
    const s = Subscription.parse({ wards: ['ward-p3', 'ward-p4'], domains: ['flood'] }, wards.wards) as Subscription;
    expect(s.matches(message(1))).toBe(true);
    expect(s.matches(message(1, { wards: ['ward-p10', 'ward-p4'] }))).toBe(true);
    expect(s.matches(message(1, { wards: ['ward-p10'] }))).toBe(false);
    expect(s.matches(message(1, { wards: [] }))).toBe(false);
    expect(s.matches(message(1, { domain: 'waste' }))).toBe(false);
    expect(s.matches(message(1, { exercise: true }))).toBe(false);
    expect(Subscription.ALL.matches(message(1, { wards: [] }))).toBe(true);
    expect(
      (Subscription.parse({ exercise: true }, wards.wards) as Subscription).matches(message(1, { exercise: true })),
    ).toBe(true);
  });

  it('gives equal subscriptions one key (one room), whatever the order', () => {
    const a = Subscription.parse(
      { wards: ['ward-p4', 'ward-p3'], domains: ['waste', 'flood'] },
      wards.wards,
    ) as Subscription;
    const b = Subscription.parse(
      { domains: ['flood', 'waste'], wards: ['ward-p3', 'ward-p4'] },
      wards.wards,
    ) as Subscription;
    expect(a.key).toBe(b.key);
    expect((Subscription.parse({}, wards.wards) as Subscription).key).toBe(Subscription.ALL.key);
  });

  it('refuses invalid requests with the reason', () => {
    expect(Subscription.parse({ wards: ['ward-p99'] }, wards.wards)).toBe('wards: unknown ward "ward-p99"');
    expect(Subscription.parse({ domains: ['weather'] }, wards.wards)).toMatch(/^domains: unknown domain "weather"/);
    expect(Subscription.parse({ wards: 'ward-p3' }, wards.wards)).toBe('wards must be an array of strings');
    expect(Subscription.parse({ exercise: 'yes' }, wards.wards)).toBe('exercise must be a boolean');
    expect(Subscription.parse({ ward: ['ward-p3'] }, wards.wards)).toBe('unknown field "ward"');
    expect(Subscription.parse([], wards.wards)).toMatch(/expects an object/);
  });
});

/** An event log as the database keeps it: committed events, prefix-closed by seq. */
class FakeLog implements FeedLog {
  readonly events: StoredIncidentEvent[] = [];
  readonly records = new Map<string, IncidentFeedRecord>();
  reads = 0;
  async headSeq() {
    return this.events.at(-1)?.seq ?? 0;
  }
  async eventsSince(seq: number, limit: number) {
    this.reads++;
    return this.events.filter((e) => e.seq > seq).slice(0, limit);
  }
  async summaries(ids: readonly string[]) {
    return ids.flatMap((id) => (this.records.has(id) ? [this.records.get(id)!] : []));
  }
  /** Commits an `opened` event (seq chosen by the caller: gaps are rolled-back transactions). */
  commit(seq: number, ward = 'ward-p3'): StoredIncidentEvent {
    const e = {
      seq,
      version: 1,
      incidentId: `inc-${seq}`,
      type: 'opened',
      at: seq,
      actor: 'system',
      data: {
        key: `k${seq}`,
        incidentType: 'urban-flooding',
        ruleId: 'r',
        zone: { kind: 'ward', id: ward },
        severity: 'minor',
        title: { vi: 'x', en: 'x' },
        exercise: false,
        evidence: [],
        absorbs: [],
      },
    } as StoredIncidentEvent;
    this.events.push(e);
    this.records.set(e.incidentId, {
      id: e.incidentId,
      key: `k${seq}`,
      type: 'urban-flooding',
      zone: { kind: 'ward', id: ward },
      severity: 'minor',
      state: 'open',
      title: { vi: 'x', en: 'x' },
      exercise: false,
      lastSeq: seq,
    });
    return e;
  }
}

async function feedOver(log: FakeLog, gapWaitMs = 0) {
  const feed = new IncidentFeed(log, wards, { batchMs: 0, pageSize: 3, summaryCacheSize: 100, gapWaitMs });
  const got: number[] = [];
  feed.onBatch((b) => got.push(...b.map((m) => m.seq)));
  await feed.start();
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return { feed, got, settle };
}

describe('IncidentFeed', () => {
  it('starts at the database head and passes contiguous stream entries without reading the database', async () => {
    const log = new FakeLog();
    log.commit(1);
    const { feed, got, settle } = await feedOver(log);
    const reads = log.reads;
    await feed.offer([log.commit(2)]);
    await feed.offer([log.commit(3), log.commit(4)]);
    await settle();
    expect(got).toEqual([2, 3, 4]);
    expect(log.reads).toBe(reads);
    expect(feed.head).toBe(4);
  });

  it('fills a gap from the database (out-of-order writers), drops what it has already passed on', async () => {
    const log = new FakeLog();
    const { feed, got, settle } = await feedOver(log);
    const e1 = log.commit(1);
    const e2 = log.commit(2);
    const e4 = log.commit(4); // 3 rolled back
    await feed.offer([e4]); // published first by another writer
    await feed.offer([e2]);
    await feed.offer([e1]);
    await feed.offer([e4]);
    await settle();
    expect(got).toEqual([1, 2, 4]);
  });

  it('waits for the stream to close a gap (another writer publishing a moment later) without reading the database', async () => {
    const log = new FakeLog();
    const { feed, got, settle } = await feedOver(log, 10_000);
    const reads = log.reads;
    const [e1, e2, e3, e4] = [log.commit(1), log.commit(2), log.commit(3), log.commit(4)];
    await feed.offer([e3]);
    await feed.offer([e4, e3]);
    await settle();
    expect(got).toEqual([]);
    expect(feed.head).toBe(0);
    await feed.offer([e1]);
    await settle();
    expect(got).toEqual([1]);
    await feed.offer([e2]);
    await settle();
    expect(got).toEqual([1, 2, 3, 4]);
    expect(log.reads).toBe(reads);
    feed.stop();
  });

  it('reads a gap that the stream has not closed within the wait (a rolled-back seq, a lost publish) from the database', async () => {
    const log = new FakeLog();
    const { feed, got, settle } = await feedOver(log, 20);
    const reads = log.reads;
    log.commit(1); // its publish is lost
    const e3 = log.commit(3); // 2 rolled back
    await feed.offer([e3]);
    await settle();
    expect(got).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(got).toEqual([1, 3]);
    expect(log.reads).toBe(reads + 1);
    // Later entries continue the sequence: straight through.
    await feed.offer([log.commit(4)]);
    await settle();
    expect(got).toEqual([1, 3, 4]);
    expect(log.reads).toBe(reads + 1);
    feed.stop();
  });

  it('fills long gaps page by page and finds unpublished events by polling', async () => {
    const log = new FakeLog();
    const { feed, got, settle } = await feedOver(log);
    for (let s = 1; s <= 10; s++) log.commit(s);
    await feed.offer([log.commit(11)]);
    log.commit(12); // its publish was lost
    await feed.poll();
    await settle();
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('folds summaries from events and loads incidents opened before it started', async () => {
    const log = new FakeLog();
    log.commit(1, 'ward-p10');
    const { feed, settle } = await feedOver(log);
    const batches: IncidentEventMessage[][] = [];
    feed.onBatch((b) => batches.push([...b]));
    const ack = {
      seq: 2,
      version: 2,
      incidentId: 'inc-1',
      type: 'acknowledged',
      at: 2,
      actor: 'u1',
      data: {},
    } as StoredIncidentEvent;
    log.events.push(ack);
    log.records.set('inc-1', { ...log.records.get('inc-1')!, state: 'acknowledged', lastSeq: 2 });
    await feed.offer([ack]);
    const sev = {
      seq: 3,
      version: 3,
      incidentId: 'inc-1',
      type: 'severity-raised',
      at: 3,
      actor: 'system',
      data: { from: 'minor', to: 'critical' },
    } as StoredIncidentEvent;
    log.events.push(sev);
    await feed.offer([sev]);
    await settle();
    const msgs = batches.flat();
    expect(msgs.map((m) => [m.seq, m.incident.state, m.incident.severity, m.incident.wards])).toEqual([
      [2, 'acknowledged', 'minor', ['ward-p10']],
      [3, 'acknowledged', 'critical', ['ward-p10']],
    ]);
  });

  it('batches: at most one hand-over per batch interval', async () => {
    const log = new FakeLog();
    const feed = new IncidentFeed(log, wards, { batchMs: 50, pageSize: 100, summaryCacheSize: 100, gapWaitMs: 0 });
    const sizes: number[] = [];
    feed.onBatch((b) => sizes.push(b.length));
    await feed.start();
    for (let s = 1; s <= 20; s++) await feed.offer([log.commit(s)]);
    await new Promise((r) => setTimeout(r, 120));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(sizes.length).toBeLessThanOrEqual(2);
  });

  it('an idle feed hands an event on within its offer, not on a later turn of the event loop; the next waits out the interval', async () => {
    const log = new FakeLog();
    const feed = new IncidentFeed(log, wards, { batchMs: 50, pageSize: 100, summaryCacheSize: 100, gapWaitMs: 0 });
    const got: number[] = [];
    feed.onBatch((b) => got.push(...b.map((m) => m.seq)));
    await feed.start();
    await feed.offer([log.commit(1)]);
    expect(got).toEqual([1]);
    await feed.offer([log.commit(2)]);
    expect(got).toEqual([1]);
    await new Promise((r) => setTimeout(r, 80));
    expect(got).toEqual([1, 2]);
  });
});
