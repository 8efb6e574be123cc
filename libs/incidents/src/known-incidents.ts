import type { IncidentRecord } from '@ioc/domain';
import type { StoredIncident } from '@ioc/storage';

/**
 * What this process last saw of each key's incident that is not closed: the record as its own last save or read left
 * it. Only a hint for the optimistic write (IncidentRepository.saveIfUnchanged), which holds only if every record it
 * changes is still at the version decided from and every new key is still free: a stale entry (another process
 * acknowledged, resolved or closed the incident since) costs a conflict and the locking transaction, never a wrong
 * write. Bounded (a record carries up to 50 pieces of evidence): the least recently used keys are forgotten first, and
 * a forgotten key costs one read again.
 */
export class KnownIncidents {
  private readonly byKey = new Map<string, StoredIncident>();

  constructor(private readonly max = 2_000) {}

  get(key: string, exercise: boolean): StoredIncident | undefined {
    const k = slot(key, exercise);
    const known = this.byKey.get(k);
    if (known) {
      this.byKey.delete(k);
      this.byKey.set(k, known);
    }
    return known;
  }

  /** Records as written or read: a closed one frees its key. */
  note(records: ReadonlyArray<IncidentRecord & { readonly lastSeq: number }>, at: number): void {
    for (const r of records) {
      const k = slot(r.key, r.exercise);
      this.byKey.delete(k);
      if (r.state !== 'closed') this.byKey.set(k, { ...r, updatedAt: at });
    }
    while (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value!);
  }

  /** The key's incident as read from the database (undefined: none not closed). */
  read(key: string, exercise: boolean, current: StoredIncident | undefined): void {
    if (current) this.note([current], current.updatedAt);
    else this.byKey.delete(slot(key, exercise));
  }

  get size(): number {
    return this.byKey.size;
  }
}

const slot = (key: string, exercise: boolean) => (exercise ? `x:${key}` : `l:${key}`);
