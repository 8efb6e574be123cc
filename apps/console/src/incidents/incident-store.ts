import {
  evolve,
  incidentDomainOf,
  severityRank,
  type IncidentDomain,
  type IncidentRecord,
  type IncidentState,
  type StoredIncidentEvent,
} from '@ioc/domain';
import type { IncidentSummary } from '@ioc/contracts';

/** What the console keeps of an incident: the record as the API serves it. */
export type IncidentView = IncidentRecord;

/** What applying one pushed event did. */
export type ApplyResult =
  /** Folded into the record (each change exactly once). */
  | { readonly kind: 'applied'; readonly incident: IncidentView; readonly becameCritical: boolean }
  /** Already seen (a resent event after a reconnect, or one the snapshot already contained). */
  | { readonly kind: 'duplicate' }
  /** An event of an incident we do not hold, or one after a gap in its versions: fetch the record. */
  | { readonly kind: 'refetch'; readonly incidentId: string };

/**
 * The live incident set: records from the REST API, kept current by the incident events pushed over the socket.
 * Every event carries its incident's `version` and the global `seq`: an event is folded only when it is the next
 * version of the record we hold, so a change is never shown twice, and a gap means "fetch the record again".
 * `lastSeq` is the resume point after a reconnect. Pure: no I/O, no timers.
 */
export class IncidentStore {
  private readonly byId = new Map<string, IncidentView>();
  private seq: number;

  constructor(lastSeq = 0) {
    this.seq = lastSeq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): IncidentView | undefined {
    return this.byId.get(id);
  }

  all(): IncidentView[] {
    return [...this.byId.values()];
  }

  /** A record from the REST API: kept unless we already hold a newer version of it. Returns whether it replaced ours. */
  upsert(record: IncidentView): boolean {
    const held = this.byId.get(record.id);
    if (held && held.version >= record.version) return false;
    this.byId.set(record.id, record);
    return true;
  }

  /** Remembers the highest seq seen (also for events of incidents not held, e.g. filtered out by the server's rooms). */
  noteSeq(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }

  /**
   * One pushed event. With the gateway's summary (at least as recent as the event), state and severity are taken
   * from it as they are.
   */
  apply(event: StoredIncidentEvent, summary?: IncidentSummary): ApplyResult {
    this.noteSeq(event.seq);
    const held = this.byId.get(event.incidentId);
    if (!held) {
      if (event.type !== 'opened' || event.version !== 1) return { kind: 'refetch', incidentId: event.incidentId };
      const incident = withSummary(evolve(undefined, event), summary);
      this.byId.set(incident.id, incident);
      return { kind: 'applied', incident, becameCritical: incident.severity === 'critical' };
    }
    if (event.version <= held.version) return { kind: 'duplicate' };
    if (event.version !== held.version + 1) return { kind: 'refetch', incidentId: event.incidentId };
    // The next version (checked above): the lifecycle's own fold gives the record the server now holds.
    const incident = withSummary(evolve(held, event), summary);
    this.byId.set(incident.id, incident);
    const becameCritical =
      incident.severity === 'critical' &&
      (held.severity !== 'critical' || (event.type === 'reopened' && incident.state === 'open'));
    return { kind: 'applied', incident, becameCritical };
  }
}

function withSummary(r: IncidentView, s: IncidentSummary | undefined): IncidentView {
  return s && s.id === r.id ? { ...r, state: s.state, severity: s.severity, title: s.title } : r;
}

/** Active = still needs someone (not resolved, not closed). */
export const ACTIVE_STATES: readonly IncidentState[] = ['open', 'acknowledged', 'assigned'];

export interface IncidentFilter {
  /** 'active' (open, acknowledged, assigned), one state, or every state. */
  readonly state: 'active' | 'all' | IncidentState;
  readonly domain?: IncidentDomain;
  /** A ward id (`ward-p3`): incidents whose zone is that ward, or whose evidence comes from devices in it. */
  readonly ward?: string;
}

export function matches(i: IncidentView, f: IncidentFilter, wardOf: (i: IncidentView) => string | undefined): boolean {
  if (f.state === 'active' ? !ACTIVE_STATES.includes(i.state) : f.state !== 'all' && i.state !== f.state) return false;
  if (f.domain && incidentDomainOf(i.type) !== f.domain) return false;
  if (f.ward && wardOf(i) !== f.ward) return false;
  return true;
}

/** Severity (most severe first), then time (newest first). */
export function bySeverityThenTime(a: IncidentView, b: IncidentView): number {
  return severityRank(b.severity) - severityRank(a.severity) || b.openedAt - a.openedAt || a.id.localeCompare(b.id);
}
