import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { IncidentEvent, IncidentRecord, IncidentSignal, StoredIncidentEvent } from '@ioc/domain';
import { CLOCK, LOGGER, type Clock, type Logger } from '@ioc/platform';
import { IncidentRepository, type IncidentListQuery, type StoredIncident } from '@ioc/storage';
import {
  DEFAULT_LIFECYCLE_POLICY,
  decide,
  foldByIncident,
  validatePolicy,
  type IncidentCommand,
  type LifecyclePolicy,
} from './incident.decider';
import { IncidentError } from './incident.errors';
import { KnownIncidents } from './known-incidents';
import { sopProgress, type SopCatalog, type SopStepProgress } from './sop/sop.catalog';
import { attachable } from './sop/sop.schema';

export const SOP_CATALOG = Symbol('SOP_CATALOG');
export const LIFECYCLE_POLICY = Symbol('LIFECYCLE_POLICY');

/** What one command changed: its events as committed (push them to sockets) and the incidents after it. */
export interface IncidentChange {
  readonly events: readonly StoredIncidentEvent[];
  /** One incident, or two when a raise closed a long-resolved incident and opened its successor. */
  readonly incidents: ReadonlyArray<IncidentRecord & { readonly lastSeq: number }>;
}

export interface IncidentDetail {
  readonly incident: StoredIncident;
  /** Every event, oldest first: the audit trail with comments. */
  readonly timeline: readonly StoredIncidentEvent[];
  readonly sop: readonly SopStepProgress[];
}

const NOTHING: IncidentChange = { events: [], incidents: [] };
/** Re-reads after losing the race for a new key; more than a couple means something else is wrong. */
const MAX_ATTEMPTS = 5;
/** Thrown inside a transaction to roll it back when another one opened the same key first. */
const LOST_RACE = Symbol('lost the race for a new incident key');

/**
 * Applies engine signals and operator commands to incidents, running the pure decider and storing its events. An
 * operator command runs in one transaction that locks its incident. An engine signal is first decided from this
 * process's last view of the key's incident (KnownIncidents) or an unlocked read, and saved in one statement that holds
 * only if nothing changed since (IncidentRepository.saveIfUnchanged), and otherwise in a transaction that locks the
 * key's incident. The database's unique index on active keys makes "one incident per key" hold across connections and
 * processes; this service re-decides when it loses that race.
 */
@Injectable()
export class IncidentService {
  private readonly policy: LifecyclePolicy;
  private readonly log: Logger | undefined;
  /** This process's last view of each key's incident, for the engine's optimistic writes. */
  private readonly known = new KnownIncidents();

  constructor(
    private readonly repo: IncidentRepository,
    @Inject(SOP_CATALOG) private readonly sops: SopCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(LIFECYCLE_POLICY) policy?: LifecyclePolicy,
    @Optional() @Inject(LOGGER) logger?: Logger,
  ) {
    this.policy = validatePolicy(policy ?? DEFAULT_LIFECYCLE_POLICY);
    this.log = logger?.child({ component: 'incidents' });
  }

  /** An engine decision (raise / update / clear). `exercise` keeps a trainer's incidents apart from live ones. */
  async applySignal(signal: IncidentSignal, opts: { readonly exercise?: boolean } = {}): Promise<IncidentChange> {
    const exercise = opts.exercise ?? false;
    const sop = signal.op === 'raise' ? this.sops.forType(signal.type) : undefined;
    const command: IncidentCommand = {
      kind: 'apply-signal',
      signal,
      exercise,
      newIncidentId: randomUUID(),
      ...(sop && { sop: attachable(sop) }),
    };
    const save = (current: StoredIncident | undefined) =>
      this.decideAndSave((r, p, e) => this.repo.saveIfUnchanged(r, p, e), command, current);
    // Optimistic first: decide from what this process last knew of the key's incident (a raise of a key it knows
    // nothing of: none), and write it all in one statement that holds only if nothing changed meanwhile (one round
    // trip). A decision to do nothing proves nothing, so it is made again from an unlocked read (two round trips), as
    // is an update or clear of a key this process knows nothing of.
    const known = this.known.get(signal.key, exercise);
    let optimistic = known || signal.op === 'raise' ? await save(known) : NOTHING;
    if (optimistic === NOTHING) {
      const current = await this.repo.findActiveByKey(signal.key, exercise);
      this.known.read(signal.key, exercise, current);
      optimistic = await save(current);
    }
    // Lost (the key's incident moved on, or the key was taken), or too large for one statement: the locking transaction.
    let change = optimistic === 'conflict' || optimistic === 'too-large' ? undefined : optimistic;
    for (let attempt = 1; !change; attempt++) {
      if (attempt > MAX_ATTEMPTS)
        throw new IncidentError('INCIDENT_CONFLICT', `could not settle the incident of key ${signal.key}`, {
          key: signal.key,
        });
      // Lost the race for a new key: this transaction is rolled back, and the next one reads the winner's incident.
      change = await this.repo
        .transaction(async (tx) => {
          const current = await tx.lockActiveByKey(signal.key, exercise);
          const result = await this.decideAndSave((r, p, e) => tx.save(r, p, e), command, current);
          if (result === 'conflict') throw LOST_RACE;
          if (result === NOTHING) this.known.read(signal.key, exercise, current);
          return result;
        })
        .catch((err: unknown) => {
          if (err !== LOST_RACE) throw err;
          return undefined;
        });
    }
    this.known.note(change.incidents, this.clock.nowMs());
    if (change.events.length > 0) {
      this.log?.info(
        {
          key: signal.key,
          op: signal.op,
          incidentId: change.incidents[0]?.id,
          events: change.events.map((e) => e.type),
        },
        'incident signal applied',
      );
    }
    return change;
  }

  acknowledge(incidentId: string, by: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'acknowledge', by });
  }

  assign(incidentId: string, assignee: string, by: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'assign', assignee, by });
  }

  comment(incidentId: string, text: string, by: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'comment', text, by });
  }

  resolve(incidentId: string, by: string, note?: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'resolve', by, ...(note !== undefined && { note }) });
  }

  reopen(incidentId: string, by: string, reason?: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'reopen', by, ...(reason !== undefined && { reason }) });
  }

  close(incidentId: string, by: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'close', by });
  }

  /** Records escalation `level` once; repeating a level already reached changes nothing (safe for retried jobs). */
  escalate(incidentId: string, level: number, by?: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'escalate', level, ...(by !== undefined && { by }) });
  }

  completeSopStep(incidentId: string, stepId: string, by: string, note?: string): Promise<IncidentChange> {
    return this.onIncident(incidentId, { kind: 'complete-sop-step', stepId, by, ...(note !== undefined && { note }) });
  }

  /** Closes resolved incidents whose auto-close time has come (a periodic job calls this); each in its own transaction. */
  async closeExpired(limit = 500): Promise<IncidentChange> {
    const ids = await this.repo.resolvedBefore(this.clock.nowMs() - this.policy.autoCloseAfterMs, limit);
    const events: StoredIncidentEvent[] = [];
    const incidents: Array<IncidentChange['incidents'][number]> = [];
    for (const id of ids) {
      // Reopened or closed in between: the decider returns nothing.
      const change = await this.onIncident(id, { kind: 'auto-close' });
      events.push(...change.events);
      incidents.push(...change.incidents);
    }
    return { events, incidents };
  }

  async get(incidentId: string): Promise<IncidentDetail> {
    const incident = await this.repo.findById(incidentId);
    if (!incident) throw new IncidentError('INCIDENT_NOT_FOUND', `no incident ${incidentId}`, { incidentId });
    const timeline = await this.repo.timeline(incidentId);
    return { incident, timeline, sop: sopProgress(incident, this.clock.nowMs()) };
  }

  list(query: IncidentListQuery): Promise<StoredIncident[]> {
    return this.repo.list(query);
  }

  /** Events committed after seq (resume after a reconnect). */
  eventsSince(seq: number, limit = 1000): Promise<StoredIncidentEvent[]> {
    return this.repo.eventsSince(seq, limit);
  }

  private async onIncident(
    incidentId: string,
    command: Exclude<IncidentCommand, { kind: 'apply-signal' }>,
  ): Promise<IncidentChange> {
    const change = await this.repo.transaction(async (tx) => {
      const current = await tx.lockById(incidentId);
      if (!current) throw new IncidentError('INCIDENT_NOT_FOUND', `no incident ${incidentId}`, { incidentId });
      const result = await this.decideAndSave((r, p, e) => tx.save(r, p, e), command, current);
      // Only a new incident can conflict, and commands on an existing one never create one.
      if (result === 'conflict')
        throw new IncidentError('INCIDENT_CONFLICT', `incident ${incidentId} conflicted`, { incidentId });
      return result;
    });
    this.known.note(change.incidents, this.clock.nowMs());
    if (change.events.length > 0)
      this.log?.info(
        { incidentId, command: command.kind, by: 'by' in command ? command.by : undefined },
        'incident command applied',
      );
    return change;
  }

  private async decideAndSave<R extends 'conflict' | 'too-large'>(
    save: (
      records: ReadonlyMap<string, IncidentRecord>,
      previous: ReadonlyMap<string, number>,
      events: readonly IncidentEvent[],
    ) => Promise<StoredIncidentEvent[] | R>,
    command: IncidentCommand,
    current: StoredIncident | undefined,
  ): Promise<IncidentChange | R> {
    const events = decide(command, current, { now: this.clock.nowMs(), policy: this.policy });
    if (events.length === 0) return NOTHING;
    const records = foldByIncident(current, events);
    const previous = new Map<string, number>(current && records.has(current.id) ? [[current.id, current.version]] : []);
    const stored = await save(records, previous, events);
    if (!Array.isArray(stored)) return stored;
    const lastSeq = (id: string) => Math.max(0, ...stored.filter((e) => e.incidentId === id).map((e) => e.seq));
    // Records folded from a stored incident carry its old lastSeq/updatedAt: replace them with what was just written.
    const incidents = [...records.values()].map((r) => {
      const { lastSeq: _l, updatedAt: _u, ...record } = r as IncidentRecord & { lastSeq?: number; updatedAt?: number };
      return { ...record, lastSeq: lastSeq(r.id) };
    });
    return { events: stored, incidents };
  }
}
