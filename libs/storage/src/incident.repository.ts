import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import {
  INCIDENT_DOMAINS,
  type AttachedSop,
  type BilingualText,
  type Evidence,
  type IncidentDomain,
  type IncidentEvent,
  type IncidentRecord,
  type IncidentState,
  type IncidentType,
  type Severity,
  type SopStepDone,
  type StoredIncidentEvent,
  type ZoneKind,
} from '@ioc/domain';
import { DATABASE, type Database } from './database';
import { chunkBySize, namedStatementsFor, statement } from './statement-size';
import { inTransaction } from './transaction';

/** Advisory lock that orders seq allocation by commit (see the migration 20261121000600000_incidents.sql). */
export const INCIDENT_SEQ_LOCK_KEY = 7_100_601;

/** An incident as stored: the record plus the seq of its latest event. */
export interface StoredIncident extends IncidentRecord {
  readonly lastSeq: number;
  readonly updatedAt: number;
}

export interface IncidentListQuery {
  readonly states?: readonly IncidentState[];
  readonly severities?: readonly Severity[];
  readonly types?: readonly IncidentType[];
  /** Types of these domains (combined with `types` by AND when both are given). */
  readonly domains?: readonly IncidentDomain[];
  readonly zoneKind?: ZoneKind;
  readonly zoneId?: string;
  /** Undefined: live only (exercises are kept apart unless asked for). */
  readonly exercise?: boolean;
  /** Only incidents whose key starts with one of these (a trainee's exercises); empty: none. Undefined: any key. */
  readonly keyPrefixes?: readonly string[];
  /** opened_at >= from (ms) */
  readonly from?: number;
  /** opened_at < to (ms) */
  readonly to?: number;
  readonly limit: number;
  /** Keyset paging, newest first: only incidents before this one (its openedAt and id). */
  readonly before?: { readonly openedAt: number; readonly id: string };
}

export interface IncidentRow {
  id: string;
  dedup_key: string;
  type: IncidentType;
  rule_id: string;
  zone_kind: ZoneKind;
  zone_id: string;
  severity: Severity;
  state: IncidentState;
  exercise: boolean;
  title: BilingualText;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  assignee: string | null;
  assigned_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  closed_at: Date | null;
  closed_by: string | null;
  escalation_level: number;
  reopen_count: number;
  evidence: Evidence[];
  evidence_count: number;
  absorbs: string[];
  sop: AttachedSop | null;
  sop_done: SopStepDone[];
  version: number;
  last_seq: string;
  updated_at: Date;
}

export interface EventRow {
  seq: string;
  incident_id: string;
  incident_version: number;
  type: IncidentEvent['type'];
  at: Date;
  actor: string;
  data: unknown;
}

export const COLUMNS = `id, dedup_key, type, rule_id, zone_kind, zone_id, severity, state, exercise, title, opened_at, acknowledged_at,
  acknowledged_by, assignee, assigned_at, resolved_at, resolved_by, resolution, closed_at, closed_by, escalation_level,
  reopen_count, evidence, evidence_count, absorbs, sop, sop_done, version, last_seq, updated_at`;

const ms = (d: Date | null): number | undefined => (d === null ? undefined : d.getTime());
const date = (n: number | undefined): Date | null => (n === undefined ? null : new Date(n));

export function toIncident(r: IncidentRow): StoredIncident {
  const opt = <K extends string, V>(k: K, v: V | null | undefined) =>
    v === null || v === undefined ? {} : ({ [k]: v } as Record<K, V>);
  return {
    id: r.id,
    key: r.dedup_key,
    type: r.type,
    ruleId: r.rule_id,
    zone: { kind: r.zone_kind, id: r.zone_id },
    severity: r.severity,
    state: r.state,
    exercise: r.exercise,
    title: r.title,
    openedAt: r.opened_at.getTime(),
    ...opt('acknowledgedAt', ms(r.acknowledged_at)),
    ...opt('acknowledgedBy', r.acknowledged_by),
    ...opt('assignee', r.assignee),
    ...opt('assignedAt', ms(r.assigned_at)),
    ...opt('resolvedAt', ms(r.resolved_at)),
    ...opt('resolvedBy', r.resolved_by),
    ...opt('resolution', r.resolution),
    ...opt('closedAt', ms(r.closed_at)),
    ...opt('closedBy', r.closed_by),
    escalationLevel: r.escalation_level,
    reopenCount: r.reopen_count,
    evidence: r.evidence,
    evidenceCount: r.evidence_count,
    absorbs: r.absorbs,
    ...opt('sop', r.sop),
    sopDone: r.sop_done,
    version: r.version,
    lastSeq: Number(r.last_seq),
    updatedAt: r.updated_at.getTime(),
  };
}

export function toEvent(r: EventRow): StoredIncidentEvent {
  return {
    seq: Number(r.seq),
    version: r.incident_version,
    incidentId: r.incident_id,
    type: r.type,
    at: r.at.getTime(),
    actor: r.actor,
    data: r.data,
  } as StoredIncidentEvent;
}

/**
 * The columns a save writes, as one JSON object per record: every record of a save goes in one statement
 * (json_to_recordset), where a statement per record cost a parse, a plan and a round trip each, all while the seq lock
 * is held. Timestamps travel as ISO strings, `absorbs` as a JSON array (a text[] column of the record set).
 */
function stateRow(r: IncidentRecord) {
  return {
    id: r.id,
    severity: r.severity,
    state: r.state,
    acknowledged_at: date(r.acknowledgedAt),
    acknowledged_by: r.acknowledgedBy ?? null,
    assignee: r.assignee ?? null,
    assigned_at: date(r.assignedAt),
    resolved_at: date(r.resolvedAt),
    resolved_by: r.resolvedBy ?? null,
    resolution: r.resolution ?? null,
    closed_at: date(r.closedAt),
    closed_by: r.closedBy ?? null,
    escalation_level: r.escalationLevel,
    reopen_count: r.reopenCount,
    evidence: r.evidence,
    evidence_count: r.evidenceCount,
    absorbs: r.absorbs,
    sop_done: r.sopDone,
    version: r.version,
  };
}

/** A new record: its identity columns (never changed after the insert) and its state. */
function newRow(r: IncidentRecord) {
  return {
    ...stateRow(r),
    dedup_key: r.key,
    type: r.type,
    rule_id: r.ruleId,
    zone_kind: r.zone.kind,
    zone_id: r.zone.id,
    exercise: r.exercise,
    title: r.title,
    opened_at: new Date(r.openedAt),
    sop: r.sop ?? null,
  };
}

/**
 * A save's records as rows: the changed ones (with the version they were read at) and the new ones, each with the
 * columns `last(id)` gives (its last seq, or the number of its last event in the save).
 */
function recordRows<X extends object>(
  records: ReadonlyMap<string, IncidentRecord>,
  previousVersions: ReadonlyMap<string, number>,
  last: (id: string) => X,
) {
  const changed: Array<ReturnType<typeof stateRow> & { previous_version: number } & X> = [];
  const added: Array<ReturnType<typeof newRow> & X> = [];
  for (const [id, record] of records) {
    const prev = previousVersions.get(id);
    if (prev === undefined) added.push({ ...newRow(record), ...last(id) });
    else changed.push({ ...stateRow(record), previous_version: prev, ...last(id) });
  }
  return { changed, added };
}

const STATE_COLUMNS = `id uuid, severity text, state text, acknowledged_at timestamptz, acknowledged_by text, assignee text,
  assigned_at timestamptz, resolved_at timestamptz, resolved_by text, resolution text, closed_at timestamptz, closed_by text,
  escalation_level int4, reopen_count int4, evidence jsonb, evidence_count int4, absorbs text[], sop_done jsonb,
  version int4, last_seq int8`;

const NEW_COLUMNS = `${STATE_COLUMNS}, dedup_key text, type text, rule_id text, zone_kind text, zone_id text,
  exercise boolean, title jsonb, opened_at timestamptz, sop jsonb`;
const INSERT_INTO = `INSERT INTO incident (id, dedup_key, type, rule_id, zone_kind, zone_id, severity, state, exercise, title,
    opened_at, acknowledged_at, acknowledged_by, assignee, assigned_at, resolved_at, resolved_by, resolution, closed_at,
    closed_by, escalation_level, reopen_count, evidence, evidence_count, absorbs, sop, sop_done, version, sop_id,
    sop_version, last_seq)
  SELECT id, dedup_key, type, rule_id, zone_kind, zone_id, severity, state, exercise, title, opened_at,
    acknowledged_at, acknowledged_by, assignee, assigned_at, resolved_at, resolved_by, resolution, closed_at, closed_by,
    escalation_level, reopen_count, evidence, evidence_count, absorbs, sop, sop_done, version, sop->>'id',
    (sop->>'version')::int4`;
const ON_ACTIVE_KEY_DO_NOTHING = `ON CONFLICT (dedup_key, exercise) WHERE state <> 'closed' DO NOTHING`;

/**
 * New records. A key that already has an active incident (another transaction's, or an earlier row of this one)
 * is skipped and its id not returned: the save then reports a conflict.
 */
const INSERT_IF_NO_ACTIVE = `
  ${INSERT_INTO}, last_seq
  FROM json_to_recordset($1::json) AS r(${NEW_COLUMNS})
  ${ON_ACTIVE_KEY_DO_NOTHING}
  RETURNING id`;

/**
 * Changed records, each only if still at the version it was read at; returns the ids updated. Identity columns
 * (id, key, type, rule, zone, exercise, opened_at, sop) never change after the insert. $2 (the same ids) lets the
 * planner find the rows by primary key: joined on the record set alone (estimated at 100 rows) it scans the whole
 * table, dead versions included, which an incident table updated a thousand times a second is full of.
 */
const UPDATE_SET = `severity = r.severity, state = r.state, acknowledged_at = r.acknowledged_at,
    acknowledged_by = r.acknowledged_by, assignee = r.assignee, assigned_at = r.assigned_at, resolved_at = r.resolved_at,
    resolved_by = r.resolved_by, resolution = r.resolution, closed_at = r.closed_at, closed_by = r.closed_by,
    escalation_level = r.escalation_level, reopen_count = r.reopen_count, evidence = r.evidence,
    evidence_count = r.evidence_count, absorbs = r.absorbs, sop_done = r.sop_done, version = r.version, updated_at = now()`;

const UPDATE_STATE = `
  UPDATE incident i SET ${UPDATE_SET}, last_seq = greatest(i.last_seq, r.last_seq)
  FROM json_to_recordset($1::json) AS r(${STATE_COLUMNS}, previous_version int4)
  WHERE i.id = ANY($2::uuid[]) AND i.id = r.id AND i.version = r.previous_version
  RETURNING i.id`;

/**
 * A whole save in one statement, with no transaction held open around it (IncidentRepository.saveIfUnchanged): the
 * changed records' rows locked, in id order, and only then the seq lock — the order of the locking transaction
 * (lockActiveByKey/lockByIds, then save), or the two would deadlock — then the seqs (numbered in order), the changed
 * records if still at their versions (`last_event`: the number of a record's last event, whose seq becomes its
 * last_seq), then the new records unless their key is taken (after
 * the updates: a superseded incident is closed before its successor takes the key), then the events, guarded by
 * ioc_expect: if any record was not written, the statement fails with IO409 and nothing of it is kept.
 * $1 lock key, $2 event count, $3/$4 changed records and their ids, $5 new records, $6/$7 how many of each,
 * $8–$13 the events' columns in order.
 */
const SAVE_IF_UNCHANGED = `
  WITH locked AS MATERIALIZED (SELECT id FROM incident WHERE id = ANY($4::uuid[]) ORDER BY id FOR UPDATE),
  seq_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($1) FROM (SELECT count(*) FROM locked) AS rows_first),
  seqs AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY seq) AS n, seq
    FROM (SELECT nextval(pg_get_serial_sequence('incident_event', 'seq')) AS seq FROM seq_lock, generate_series(1, $2::int)) AS drawn),
  upd AS (
    UPDATE incident i SET ${UPDATE_SET}, last_seq = greatest(i.last_seq, (SELECT seq FROM seqs WHERE n = r.last_event))
    FROM json_to_recordset($3::json) AS r(${STATE_COLUMNS}, previous_version int4, last_event int8)
    WHERE i.id = ANY($4::uuid[]) AND i.id = r.id AND i.version = r.previous_version
    RETURNING i.id),
  ins AS (
    ${INSERT_INTO}, (SELECT seq FROM seqs WHERE n = r.last_event)
    FROM json_to_recordset($5::json) AS r(${NEW_COLUMNS}, last_event int8)
    WHERE (SELECT count(*) FROM upd) = $6::int8
    ${ON_ACTIVE_KEY_DO_NOTHING}
    RETURNING id)
  INSERT INTO incident_event (seq, incident_id, incident_version, type, at, actor, data)
  SELECT s.seq, u.i, u.v, u.t, u.a, u.r, u.d
  FROM unnest($8::uuid[], $9::int[], $10::text[], $11::timestamptz[], $12::text[], $13::jsonb[]) WITH ORDINALITY AS u(i, v, t, a, r, d, n)
  JOIN seqs s ON s.n = u.n
  WHERE ioc_expect((SELECT count(*) FROM upd) = $6::int8 AND (SELECT count(*) FROM ins) = $7::int8, 'an incident changed, or its key was taken, since it was read')
  RETURNING seq, incident_id, incident_version, type, at, actor, data`;

/** SQLSTATE of ioc_expect's failure (migration 20261121001200000_incident-expect.sql). */
const EXPECTATION_FAILED = 'IO409';

const LOCK_BY_IDS = `SELECT ${COLUMNS} FROM incident WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`;

/**
 * Takes the seq lock, then draws the seq values of one save's events (ascending), in one round trip: the lock is a
 * materialised CTE that the join reads before it yields the first row, so no value is drawn before the lock is held.
 */
const LOCK_AND_DRAW_SEQS = `
  WITH seq_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($1))
  SELECT nextval(pg_get_serial_sequence('incident_event', 'seq')) AS seq FROM seq_lock, generate_series(1, $2::int)`;

const INSERT_EVENTS = `
  INSERT INTO incident_event (seq, incident_id, incident_version, type, at, actor, data)
  SELECT s, i, v, t, a, r, d FROM unnest($1::int8[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::jsonb[])
    AS u(s, i, v, t, a, r, d)
  RETURNING seq, incident_id, incident_version, type, at, actor, data`;

/** The statements of one incident transaction; obtained from IncidentRepository.transaction. */
export class IncidentTransaction {
  constructor(
    private readonly client: PoolClient,
    private readonly maxStatementBytes: number | undefined,
    private readonly namedStatements = false,
  ) {}

  /** The incident of (key, exercise) that is not closed, locked until commit; undefined if there is none. */
  async lockActiveByKey(key: string, exercise: boolean): Promise<StoredIncident | undefined> {
    const { rows } = await this.client.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incident WHERE dedup_key = $1 AND exercise = $2 AND state <> 'closed' FOR UPDATE`,
      [key, exercise],
    );
    return rows[0] && toIncident(rows[0]);
  }

  async lockById(id: string): Promise<StoredIncident | undefined> {
    return (await this.lockByIds([id])).get(id);
  }

  /** Several incidents at once, locked in id order (two transactions locking overlapping sets cannot deadlock). */
  async lockByIds(ids: readonly string[]): Promise<Map<string, StoredIncident>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.client.query<IncidentRow>(
      this.stmt('ioc_incident_lock_ids', LOCK_BY_IDS, [[...new Set(ids)]]),
    );
    return new Map(rows.map((r) => [r.id, toIncident(r)]));
  }

  /**
   * Writes what a command decided: the changed records (`previous` gives each existing record's version as read, so a
   * record changed behind our back fails), the new ones, then the events with their seq. `conflict` when another
   * transaction holds an active incident of the same key as a new one: part of the save may be written, so the caller
   * rolls the transaction back, then re-reads and decides again in a new one (no savepoint: two round trips less).
   */
  async save(
    records: ReadonlyMap<string, IncidentRecord>,
    previousVersions: ReadonlyMap<string, number>,
    events: readonly IncidentEvent[],
  ): Promise<StoredIncidentEvent[] | 'conflict'> {
    const versions = eventVersions(records, previousVersions, events);
    // From here to commit, no other incident transaction draws seq values: seq order = commit order. The seqs are
    // drawn first so that each record is written once, with its last seq, rather than written and then touched.
    const seqs = (
      await this.client.query<{ seq: string }>(
        this.stmt('ioc_incident_lock_draw_seqs', LOCK_AND_DRAW_SEQS, [INCIDENT_SEQ_LOCK_KEY, events.length]),
      )
    ).rows.map((r) => Number(r.seq));
    const lastSeq = new Map<string, number>();
    events.forEach((e, i) => lastSeq.set(e.incidentId, seqs[i]));
    const { changed, added } = recordRows(records, previousVersions, (id) => ({ last_seq: lastSeq.get(id) ?? 0 }));
    // Existing records first: a superseded incident must be closed before its successor takes the key.
    const updated = await this.writeRows('ioc_incident_update', UPDATE_STATE, changed, true);
    if (updated.size !== changed.length) {
      const stale = changed
        .filter((r) => !updated.has(r.id))
        .map((r) => `${r.id} (expected version ${r.previous_version})`);
      throw new Error(`incidents changed while locked: ${stale.join(', ')}`);
    }
    const inserted = await this.writeRows('ioc_incident_insert', INSERT_IF_NO_ACTIVE, added);
    if (inserted.size !== added.length) return 'conflict';
    return this.appendEvents(events, versions, seqs);
  }

  /** Rows written as JSON record sets, in as many statements as the statement size limit asks; the ids returned. */
  private async writeRows(
    name: string,
    text: string,
    rows: ReadonlyArray<{ readonly id: string }>,
    withIds = false,
  ): Promise<Set<string>> {
    const ids = new Set<string>();
    if (rows.length === 0) return ids;
    const encoded = rows.map((row) => ({ id: row.id, json: JSON.stringify(row) }));
    for (const part of chunkBySize(encoded, (r) => r.json.length + 40, this.maxStatementBytes)) {
      const values: unknown[] = [`[${part.map((r) => r.json).join(',')}]`];
      if (withIds) values.push(part.map((r) => r.id));
      const { rows: returned } = await this.client.query<{ id: string }>(this.stmt(name, text, values));
      for (const r of returned) ids.add(r.id);
    }
    return ids;
  }

  private stmt(name: string, text: string, values: unknown[]) {
    return statement(this.namedStatements, name, text, values);
  }

  private async appendEvents(
    events: readonly IncidentEvent[],
    versions: readonly number[],
    seqs: readonly number[],
  ): Promise<StoredIncidentEvent[]> {
    const rows = events.map((e, i) => ({ e, v: versions[i], seq: seqs[i], data: JSON.stringify(e.data) }));
    const stored: StoredIncidentEvent[] = [];
    for (const part of chunkBySize(rows, (r) => r.data.length + r.e.actor.length + 140, this.maxStatementBytes)) {
      const { rows: inserted } = await this.client.query<EventRow>(
        this.stmt('ioc_incident_events_insert', INSERT_EVENTS, [
          part.map((r) => r.seq),
          part.map((r) => r.e.incidentId),
          part.map((r) => r.v),
          part.map((r) => r.e.type),
          part.map((r) => new Date(r.e.at)),
          part.map((r) => r.e.actor),
          part.map((r) => r.data),
        ]),
      );
      stored.push(...inserted.map(toEvent));
    }
    return stored.sort((a, b) => a.seq - b.seq);
  }
}

/** Each event's version in its incident's stream; checks that every record's version matches its last event. */
function eventVersions(
  records: ReadonlyMap<string, IncidentRecord>,
  previousVersions: ReadonlyMap<string, number>,
  events: readonly IncidentEvent[],
): number[] {
  const next = new Map<string, number>();
  const versions = events.map((e) => {
    const v = (next.get(e.incidentId) ?? previousVersions.get(e.incidentId) ?? 0) + 1;
    next.set(e.incidentId, v);
    return v;
  });
  for (const [id, v] of next) {
    const r = records.get(id);
    if (!r || r.version !== v)
      throw new Error(`incident ${id}: record version ${r?.version} does not match its events (${v})`);
  }
  return versions;
}

const LIST_FILTER = `
  ($1::text[] IS NULL OR state = ANY($1))
  AND ($2::text[] IS NULL OR severity = ANY($2))
  AND ($3::text[] IS NULL OR type = ANY($3))
  AND ($4::text[] IS NULL OR type = ANY($4))
  AND ($5::text IS NULL OR zone_kind = $5)
  AND ($6::text IS NULL OR zone_id = $6)
  AND exercise = $7
  AND ($8::timestamptz IS NULL OR opened_at >= $8)
  AND ($9::timestamptz IS NULL OR opened_at < $9)
  AND ($10::timestamptz IS NULL OR (opened_at, id) < ($10, $11::uuid))
  AND ($13::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($13::text[]) AS p(prefix) WHERE starts_with(dedup_key, p.prefix)))`;

/** Incidents and their event log. All writes go through `transaction` (one per command, see IncidentService). */
@Injectable()
export class IncidentRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Runs fn in one transaction (READ COMMITTED) on one connection; commits if it returns, rolls back if it throws. */
  async transaction<T>(fn: (tx: IncidentTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db.pool, (client) =>
      fn(new IncidentTransaction(client, this.db.maxStatementBytes, namedStatementsFor(this.db))),
    );
  }

  /**
   * The optimistic save: what a command decided from an unlocked read or a remembered record (`previousVersions`: the
   * versions it decided from), written in one statement that holds no transaction open around the decision — one
   * round trip (two with a read), where the locking transaction takes six. `conflict` when a record changed or a new
   * record's key was taken since (nothing is written; decide again, in the locking transaction under contention);
   * `too-large` when the save does not fit in one statement on this database (use the transaction, which splits it).
   */
  async saveIfUnchanged(
    records: ReadonlyMap<string, IncidentRecord>,
    previousVersions: ReadonlyMap<string, number>,
    events: readonly IncidentEvent[],
  ): Promise<StoredIncidentEvent[] | 'conflict' | 'too-large'> {
    if (events.length === 0) return [];
    const versions = eventVersions(records, previousVersions, events);
    const lastEvent = new Map<string, number>();
    events.forEach((e, i) => lastEvent.set(e.incidentId, i + 1));
    const { changed, added } = recordRows(records, previousVersions, (id) => ({ last_event: lastEvent.get(id) ?? 0 }));
    const changedJson = JSON.stringify(changed);
    const addedJson = JSON.stringify(added);
    const data = events.map((e) => JSON.stringify(e.data));
    const limit = this.db.maxStatementBytes;
    if (limit && changedJson.length + addedJson.length + data.reduce((n, d) => n + d.length + 140, 0) > limit)
      return 'too-large';
    try {
      const { rows } = await this.db.pool.query<EventRow>(
        statement(namedStatementsFor(this.db), 'ioc_incident_save_if_unchanged', SAVE_IF_UNCHANGED, [
          INCIDENT_SEQ_LOCK_KEY,
          events.length,
          changedJson,
          changed.map((r) => r.id),
          addedJson,
          changed.length,
          added.length,
          events.map((e) => e.incidentId),
          versions,
          events.map((e) => e.type),
          events.map((e) => new Date(e.at)),
          events.map((e) => e.actor),
          data,
        ]),
      );
      return rows.map(toEvent).sort((a, b) => a.seq - b.seq);
    } catch (err) {
      if ((err as { code?: string }).code === EXPECTATION_FAILED) return 'conflict';
      throw err;
    }
  }

  async findById(id: string): Promise<StoredIncident | undefined> {
    const { rows } = await this.db.pool.query<IncidentRow>(`SELECT ${COLUMNS} FROM incident WHERE id = $1`, [id]);
    return rows[0] && toIncident(rows[0]);
  }

  async findActiveByKey(key: string, exercise = false): Promise<StoredIncident | undefined> {
    const { rows } = await this.db.pool.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incident WHERE dedup_key = $1 AND exercise = $2 AND state <> 'closed'`,
      [key, exercise],
    );
    return rows[0] && toIncident(rows[0]);
  }

  /** Keys starting with `prefix` whose incident is still active (open, acknowledged, assigned): an exercise's leftovers. */
  async activeKeysWithPrefix(prefix: string, exercise: boolean): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ dedup_key: string }>(
      `SELECT dedup_key FROM incident WHERE exercise = $2 AND state IN ('open', 'acknowledged', 'assigned') AND starts_with(dedup_key, $1) ORDER BY dedup_key`,
      [prefix, exercise],
    );
    return rows.map((r) => r.dedup_key);
  }

  /** Every event of one incident, oldest first (the audit trail). */
  async timeline(incidentId: string): Promise<StoredIncidentEvent[]> {
    const { rows } = await this.db.pool.query<EventRow>(
      `SELECT seq, incident_id, incident_version, type, at, actor, data FROM incident_event WHERE incident_id = $1 ORDER BY incident_version`,
      [incidentId],
    );
    return rows.map(toEvent);
  }

  /** Newest first (opened_at, then id). */
  async list(q: IncidentListQuery): Promise<StoredIncident[]> {
    const domainTypes = q.domains ? q.domains.flatMap((d) => [...INCIDENT_DOMAINS[d]]) : null;
    const { rows } = await this.db.pool.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incident WHERE ${LIST_FILTER} ORDER BY opened_at DESC, id DESC LIMIT $12`,
      [
        q.states ?? null,
        q.severities ?? null,
        q.types ?? null,
        domainTypes,
        q.zoneKind ?? null,
        q.zoneId ?? null,
        q.exercise ?? false,
        date(q.from),
        date(q.to),
        q.before ? new Date(q.before.openedAt) : null,
        q.before?.id ?? null,
        q.limit,
        q.keyPrefixes ?? null,
      ],
    );
    return rows.map(toIncident);
  }

  /**
   * Events committed after `seq`, in seq order (= commit order), at most `limit`. A consumer that has seen seq N asks
   * for N and never misses an event; gaps in seq (rolled-back transactions) are normal.
   */
  async eventsSince(seq: number, limit: number): Promise<StoredIncidentEvent[]> {
    const { rows } = await this.db.pool.query<EventRow>(
      `SELECT seq, incident_id, incident_version, type, at, actor, data FROM incident_event WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [seq, limit],
    );
    return rows.map(toEvent);
  }

  /** The exercise incidents whose key starts with `prefix` (an exercise's), oldest first. */
  async exerciseIncidents(prefix: string): Promise<StoredIncident[]> {
    const { rows } = await this.db.pool.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incident WHERE exercise AND starts_with(dedup_key, $1) ORDER BY opened_at, id`,
      [prefix],
    );
    return rows.map(toIncident);
  }

  /** Every event of these incidents, in seq (= commit) order. */
  async eventsOf(incidentIds: readonly string[]): Promise<StoredIncidentEvent[]> {
    if (incidentIds.length === 0) return [];
    const { rows } = await this.db.pool.query<EventRow>(
      `SELECT seq, incident_id, incident_version, type, at, actor, data FROM incident_event WHERE incident_id = ANY($1::uuid[]) ORDER BY seq`,
      [incidentIds],
    );
    return rows.map(toEvent);
  }

  /** The keys of the exercise incidents among these ids (live ones are left out): to filter an event page by exercise. */
  async exerciseKeysOf(incidentIds: readonly string[]): Promise<Map<string, string>> {
    if (incidentIds.length === 0) return new Map();
    const { rows } = await this.db.pool.query<{ id: string; dedup_key: string }>(
      'SELECT id, dedup_key FROM incident WHERE exercise AND id = ANY($1::uuid[])',
      [[...new Set(incidentIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.dedup_key]));
  }

  /** Ids of resolved incidents resolved before `cutoff` (ms): candidates for auto-close, oldest first. */
  async resolvedBefore(cutoff: number, limit: number): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ id: string }>(
      `SELECT id FROM incident WHERE state = 'resolved' AND resolved_at <= $1 ORDER BY resolved_at LIMIT $2`,
      [new Date(cutoff), limit],
    );
    return rows.map((r) => r.id);
  }
}
