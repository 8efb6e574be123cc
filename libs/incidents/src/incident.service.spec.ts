import type { IncidentEvent, IncidentRecord, IncidentSignal, StoredIncidentEvent } from '@ioc/domain';
import type { Clock } from '@ioc/platform';
import type { IncidentRepository, IncidentTransaction, StoredIncident } from '@ioc/storage';
import { IncidentService } from './incident.service';
import { loadSopCatalog } from './sop/sop.catalog';

const T0 = Date.UTC(2026, 9, 20, 11, 0, 0);
const clock: Clock = { now: () => new Date(T0), nowMs: () => T0 };

/**
 * An in-memory IncidentRepository: enough of the real one's contract (lock, save with a unique active key, seq) to
 * test the service's logic; `rivalOnFirstInsert` plays another process winning the race for a new key.
 */
class FakeIncidentRepository {
  readonly rows = new Map<string, StoredIncident>();
  readonly events: StoredIncidentEvent[] = [];
  rivalOnFirstInsert?: IncidentRecord;
  private seq = 0;

  readonly saves = { optimistic: 0, locked: 0 };

  async transaction<T>(fn: (tx: IncidentTransaction) => Promise<T>): Promise<T> {
    const tx = {
      lockActiveByKey: async (key: string, exercise: boolean) =>
        [...this.rows.values()].find((r) => r.key === key && r.exercise === exercise && r.state !== 'closed'),
      lockById: async (id: string) => this.rows.get(id),
      save: async (
        records: ReadonlyMap<string, IncidentRecord>,
        previous: ReadonlyMap<string, number>,
        events: readonly IncidentEvent[],
      ) => {
        this.saves.locked++;
        return this.store(records, events);
      },
    } as unknown as IncidentTransaction;
    return fn(tx);
  }

  /** Unlocked reads by key (findActiveByKey). */
  reads = 0;

  async findActiveByKey(key: string, exercise: boolean): Promise<StoredIncident | undefined> {
    this.reads++;
    return [...this.rows.values()].find((r) => r.key === key && r.exercise === exercise && r.state !== 'closed');
  }

  /** Like the real one: nothing written if a record moved on from the version read or a new key is taken. */
  async saveIfUnchanged(
    records: ReadonlyMap<string, IncidentRecord>,
    previous: ReadonlyMap<string, number>,
    events: readonly IncidentEvent[],
  ) {
    this.saves.optimistic++;
    for (const [id, version] of previous) if (this.rows.get(id)?.version !== version) return 'conflict';
    return this.store(records, events);
  }

  private store(
    records: ReadonlyMap<string, IncidentRecord>,
    events: readonly IncidentEvent[],
  ): StoredIncidentEvent[] | 'conflict' {
    for (const [id, r] of records) {
      if (this.rows.has(id)) continue;
      if (this.rivalOnFirstInsert) {
        this.put(this.rivalOnFirstInsert, 0);
        this.rivalOnFirstInsert = undefined;
      }
      if (
        [...this.rows.values()].some(
          (x) => x.key === r.key && x.exercise === r.exercise && x.state !== 'closed' && !records.has(x.id),
        )
      )
        return 'conflict';
    }
    const stored = events.map((e) => ({ ...e, seq: ++this.seq, version: 0 }) as StoredIncidentEvent);
    for (const [id, r] of records)
      this.put(r, Math.max(...stored.filter((e) => e.incidentId === id).map((e) => e.seq)));
    this.events.push(...stored);
    return stored;
  }

  async resolvedBefore(cutoff: number): Promise<string[]> {
    return [...this.rows.values()].filter((r) => r.state === 'resolved' && r.resolvedAt! <= cutoff).map((r) => r.id);
  }

  private put(r: IncidentRecord, lastSeq: number): void {
    this.rows.set(r.id, { ...r, lastSeq, updatedAt: T0 });
  }
}

const raise: IncidentSignal = {
  op: 'raise',
  key: 'bin-fire:bin-p1-0001',
  type: 'bin-fire',
  ruleId: 'waste.bin-fire',
  zone: { kind: 'device', id: 'bin-p1-0001' },
  severity: 'major',
  at: T0,
  evidence: [
    { at: T0, source: 'sensor', deviceId: 'bin-p1-0001', msgId: 'm1', kind: 'bin-fill', summary: 'bin-p1-0001 72 °C' },
  ],
  title: { vi: 'Cháy thùng rác', en: 'Bin fire' },
};

function setup() {
  const repo = new FakeIncidentRepository();
  const service = new IncidentService(repo as unknown as IncidentRepository, loadSopCatalog(), clock);
  return { repo, service };
}

describe('IncidentService', () => {
  it('opens with the current SOP of the type attached and returns the stored events', async () => {
    const { repo, service } = setup();
    const change = await service.applySignal(raise);
    expect(change.events.map((e) => [e.type, e.seq])).toEqual([['opened', 1]]);
    expect(change.incidents[0]).toMatchObject({ state: 'open', lastSeq: 1, sop: { id: 'sop-bin-fire', version: 1 } });
    expect(repo.rows.size).toBe(1);
    // Uncontended: the one-statement save, no locking transaction.
    expect(repo.saves).toEqual({ optimistic: 1, locked: 0 });
  });

  it('after losing the race for a new key, re-reads and adds its evidence to the winner', async () => {
    const { repo, service } = setup();
    // Another process commits the same key between our read and our insert.
    const rival = await setup().service.applySignal({ ...raise, evidence: [{ ...raise.evidence[0], msgId: 'rival' }] });
    repo.rivalOnFirstInsert = rival.incidents[0];
    const change = await service.applySignal(raise);
    expect(change.events.map((e) => [e.type, e.incidentId])).toEqual([['evidence-added', rival.incidents[0].id]]);
    expect(repo.rows.size).toBe(1);
    expect(repo.rows.get(rival.incidents[0].id)).toMatchObject({ evidenceCount: 2 });
    // The optimistic save lost; the locking transaction decided again.
    expect(repo.saves).toEqual({ optimistic: 1, locked: 1 });
  });

  it('returns nothing for commands that change nothing, and both incidents when a raise supersedes', async () => {
    const { repo, service } = setup();
    const { incidents } = await service.applySignal(raise);
    expect(await service.applySignal({ op: 'update', key: raise.key, at: T0, evidence: raise.evidence })).toEqual({
      events: [],
      incidents: [],
    });
    await service.escalate(incidents[0].id, 1);
    expect((await service.escalate(incidents[0].id, 1)).events).toEqual([]);
    await service.applySignal({ op: 'clear', key: raise.key, at: T0 + 60_000, reason: 'cooled down' });
    const later = await service.applySignal({ ...raise, at: T0 + 2 * 3_600_000 });
    expect(later.events.map((e) => e.type)).toEqual(['closed', 'opened']);
    expect(later.incidents.map((i) => i.state)).toEqual(['closed', 'open']);
    expect(later.incidents.map((i) => i.lastSeq)).toEqual([later.events[0].seq, later.events[1].seq]);
    expect(repo.rows.size).toBe(2);
  });

  it('writes a signal for a key it knows in one statement, without reading; a raise of an unknown key reads nothing either', async () => {
    const { repo, service } = setup();
    await service.applySignal(raise);
    const update = await service.applySignal({
      op: 'update',
      key: raise.key,
      at: T0 + 1_000,
      severity: 'critical',
      evidence: [{ ...raise.evidence[0], msgId: 'm2' }],
    });
    expect(update.events.map((e) => e.type)).toEqual(['evidence-added', 'severity-raised']);
    expect(repo.reads).toBe(0);
    expect(repo.saves).toEqual({ optimistic: 2, locked: 0 });
    // A key this process has not seen (an update after a restart): read first.
    const other = setup();
    other.repo.rows.set(update.incidents[0].id, repo.rows.get(update.incidents[0].id)!);
    expect(
      (
        await other.service.applySignal({
          op: 'update',
          key: raise.key,
          at: T0 + 2_000,
          evidence: [{ ...raise.evidence[0], msgId: 'm3' }],
        })
      ).events.map((e) => e.type),
    ).toEqual(['evidence-added']);
    expect(other.repo.reads).toBe(1);
  });

  it('when another process changed the incident since, the one-statement write is refused and the locking transaction decides again', async () => {
    const { repo, service } = setup();
    const { incidents } = await service.applySignal(raise);
    const elsewhere = new IncidentService(repo as unknown as IncidentRepository, loadSopCatalog(), clock);
    await elsewhere.acknowledge(incidents[0].id, 'operator2');
    const change = await service.applySignal({
      op: 'update',
      key: raise.key,
      at: T0 + 1_000,
      evidence: [{ ...raise.evidence[0], msgId: 'm2' }],
    });
    expect(change.events.map((e) => e.type)).toEqual(['evidence-added']);
    expect(repo.rows.get(incidents[0].id)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'operator2',
      evidenceCount: 2,
    });
    expect(repo.saves).toEqual({ optimistic: 2, locked: 2 });
    // Closed elsewhere: the raise that believed it open opens a new incident instead.
    await elsewhere.resolve(incidents[0].id, 'operator2');
    await elsewhere.close(incidents[0].id, 'operator2');
    const again = await service.applySignal({ ...raise, at: T0 + 2_000 });
    expect(again.events.map((e) => e.type)).toEqual(['opened']);
    expect(again.incidents[0].id).not.toBe(incidents[0].id);
  });

  it('a decision to do nothing from what it knew is made again from the database', async () => {
    const { repo, service } = setup();
    const { incidents } = await service.applySignal(raise);
    await service.applySignal({ op: 'clear', key: raise.key, at: T0 + 60_000, reason: 'cooled down' });
    // Reopened elsewhere: this process still holds it resolved, where a clear is nothing to do.
    await new IncidentService(repo as unknown as IncidentRepository, loadSopCatalog(), clock).reopen(
      incidents[0].id,
      'operator2',
      'still smoking',
    );
    const change = await service.applySignal({ op: 'clear', key: raise.key, at: T0 + 120_000, reason: 'cooled down' });
    expect(change.events.map((e) => e.type)).toEqual(['resolved']);
    expect(repo.reads).toBe(1);
  });

  it('auto-closes resolved incidents past the period, as system', async () => {
    const { repo, service } = setup();
    const { incidents } = await service.applySignal(raise);
    const id = incidents[0].id;
    await service.resolve(id, 'op');
    const row = repo.rows.get(id)!;
    repo.rows.set(id, { ...row, resolvedAt: T0 - 25 * 3_600_000 });
    const closed = await service.closeExpired();
    expect(closed.events.map((e) => [e.type, e.actor])).toEqual([['closed', 'system']]);
  });
});
