import { Inject, Injectable } from '@nestjs/common';
import type { ExerciseInject } from '@ioc/domain';
import { DATABASE, type Database } from './database';
import { inTransaction } from './transaction';
import { isUuid } from './uuid';

/** One inject of an exercise's log. */
export interface ExerciseInjectRecord {
  readonly exerciseId: string;
  readonly seq: number;
  /** When it happens, in the recording's own time. */
  readonly at: Date;
  readonly inject: ExerciseInject;
  /** Exercise incidents whose evidence came from it. */
  readonly incidentKeys: readonly string[];
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** A planned inject of a script: the inject and its time. */
export interface PlannedInject {
  readonly at: Date;
  readonly inject: ExerciseInject;
}

export interface ExerciseScriptRecord {
  readonly id: string;
  readonly name: string;
  /** Null once the recording is deleted. */
  readonly recordingId: string | null;
  readonly recordingName: string | null;
  /** In time order. */
  readonly injects: readonly PlannedInject[];
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** What an inject is checked against, read with the exercise's row locked (nothing can start a run meanwhile). */
export interface InjectableExercise {
  readonly status: string;
  readonly recordingId: string | null;
  readonly from: Date;
  readonly to: Date;
  readonly replayedTo: Date | null;
  readonly quietUntil: Date | null;
}

interface InjectRow {
  exercise_id: string;
  seq: number;
  drill_at: Date;
  kind: ExerciseInject['kind'];
  params: Record<string, unknown>;
  incident_keys: string[];
  created_by: string;
  created_at: Date;
}

interface ScriptRow {
  id: string;
  name: string;
  recording_id: string | null;
  recording_name: string | null;
  injects: Array<{ at: string } & ExerciseInject>;
  created_by: string;
  created_at: Date;
}

const INJECT_COLUMNS = 'exercise_id, seq, drill_at, kind, params, incident_keys, created_by, created_at';
const SCRIPT_SELECT = `
  SELECT s.id, s.name, s.recording_id, r.name AS recording_name, s.injects, s.created_by, s.created_at
  FROM exercise_script s LEFT JOIN exercise_recording r ON r.id = s.recording_id`;

/** The kind is a column (queries, reports); the rest of the inject is `params`. */
const paramsOf = (i: ExerciseInject): Record<string, unknown> => {
  const { kind: _kind, ...params } = i;
  void _kind;
  return params;
};

const toInject = (r: InjectRow): ExerciseInjectRecord => ({
  exerciseId: r.exercise_id,
  seq: r.seq,
  at: r.drill_at,
  inject: { ...r.params, kind: r.kind } as ExerciseInject,
  incidentKeys: r.incident_keys,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toScript = (r: ScriptRow): ExerciseScriptRecord => ({
  id: r.id,
  name: r.name,
  recordingId: r.recording_id,
  recordingName: r.recording_name,
  injects: r.injects.map(({ at, ...inject }) => ({ at: new Date(at), inject: inject as ExerciseInject })),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Exercises' inject logs and the scripts trainers save to run a drill again. */
@Injectable()
export class ExerciseInjectRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Logs an inject as the exercise's next (seq one more than its last), with its row locked: `check` sees the
   * exercise as it is and throws to refuse (nothing is logged). undefined when there is no such exercise.
   */
  async add(
    exerciseId: string,
    i: { readonly at: Date; readonly inject: ExerciseInject; readonly createdBy: string; readonly createdAt: Date },
    check: (e: InjectableExercise) => void,
  ): Promise<ExerciseInjectRecord | undefined> {
    if (!isUuid(exerciseId)) return undefined;
    return inTransaction(this.db.pool, async (client) => {
      const { rows } = await client.query<{
        status: string;
        recording_id: string | null;
        window_from: Date;
        window_to: Date;
        replayed_to: Date | null;
        quiet_until: Date | null;
      }>(
        'SELECT status, recording_id, window_from, window_to, replayed_to, quiet_until FROM exercise WHERE id = $1 FOR UPDATE',
        [exerciseId],
      );
      if (!rows[0]) return undefined;
      const e = rows[0];
      check({
        status: e.status,
        recordingId: e.recording_id,
        from: e.window_from,
        to: e.window_to,
        replayedTo: e.replayed_to,
        quietUntil: e.quiet_until,
      });
      const { rows: added } = await client.query<InjectRow>(
        `INSERT INTO exercise_inject (exercise_id, seq, drill_at, kind, params, created_by, created_at)
         SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM exercise_inject WHERE exercise_id = $1
         RETURNING ${INJECT_COLUMNS}`,
        [exerciseId, i.at, i.inject.kind, paramsOf(i.inject), i.createdBy, i.createdAt],
      );
      return toInject(added[0]);
    });
  }

  /** Writes a script's planned injects into a new exercise's log, numbered from 1 in time order. */
  async plan(
    exerciseId: string,
    injects: readonly PlannedInject[],
    by: { readonly createdBy: string; readonly createdAt: Date },
  ): Promise<void> {
    if (injects.length === 0) return;
    const rows = [...injects]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((p, k) => ({ seq: k + 1, at: p.at.toISOString(), kind: p.inject.kind, params: paramsOf(p.inject) }));
    await this.db.pool.query(
      `INSERT INTO exercise_inject (exercise_id, seq, drill_at, kind, params, created_by, created_at)
       SELECT $1, seq, at, kind, params, $3, $4
       FROM json_to_recordset($2::json) AS p(seq int, at timestamptz, kind text, params jsonb)`,
      [exerciseId, JSON.stringify(rows), by.createdBy, by.createdAt],
    );
  }

  /** The exercise's injects after `afterSeq` (0: all), by seq. */
  async list(exerciseId: string, afterSeq = 0): Promise<ExerciseInjectRecord[]> {
    if (!isUuid(exerciseId)) return [];
    const { rows } = await this.db.pool.query<InjectRow>(
      `SELECT ${INJECT_COLUMNS} FROM exercise_inject WHERE exercise_id = $1 AND seq > $2 ORDER BY seq`,
      [exerciseId, afterSeq],
    );
    return rows.map(toInject);
  }

  /**
   * Moves an inject the replay saw only after it had passed its time to when it takes effect, so the log says what
   * was applied and a replay of it decides the same. Returns the record as it is now.
   */
  async retime(exerciseId: string, seq: number, at: Date): Promise<ExerciseInjectRecord | undefined> {
    const { rows } = await this.db.pool.query<InjectRow>(
      `UPDATE exercise_inject SET drill_at = $3 WHERE exercise_id = $1 AND seq = $2 AND drill_at < $3 RETURNING ${INJECT_COLUMNS}`,
      [exerciseId, seq, at],
    );
    return rows[0] && toInject(rows[0]);
  }

  /** Notes an exercise incident whose evidence came from inject `seq` (once). */
  async noteIncident(exerciseId: string, seq: number, key: string): Promise<void> {
    await this.db.pool.query(
      `UPDATE exercise_inject SET incident_keys = array_append(incident_keys, $3::text)
       WHERE exercise_id = $1 AND seq = $2 AND NOT ($3::text = ANY (incident_keys))`,
      [exerciseId, seq, key],
    );
  }

  /** Whether a recording holds a message of any of `deviceIds` (a silence the drill can notice). */
  async recordingHoldsAny(recordingId: string, deviceIds: readonly string[]): Promise<boolean> {
    const { rows } = await this.db.pool.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM exercise_recording_message WHERE recording_id = $1 AND device_id = ANY ($2::text[])) AS held`,
      [recordingId, deviceIds],
    );
    return rows[0].held;
  }

  async createScript(s: {
    readonly id: string;
    readonly name: string;
    readonly recordingId: string;
    readonly injects: readonly PlannedInject[];
    readonly createdBy: string;
    readonly createdAt: Date;
  }): Promise<ExerciseScriptRecord> {
    const injects = [...s.injects]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((p) => ({ at: p.at.toISOString(), ...p.inject }));
    await this.db.pool.query(
      `INSERT INTO exercise_script (id, name, recording_id, injects, created_by, created_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [s.id, s.name, s.recordingId, JSON.stringify(injects), s.createdBy, s.createdAt],
    );
    return (await this.findScript(s.id))!;
  }

  async findScript(id: string): Promise<ExerciseScriptRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<ScriptRow>(`${SCRIPT_SELECT} WHERE s.id = $1`, [id]);
    return rows[0] && toScript(rows[0]);
  }

  /** Newest first. */
  async listScripts(limit: number): Promise<ExerciseScriptRecord[]> {
    const { rows } = await this.db.pool.query<ScriptRow>(`${SCRIPT_SELECT} ORDER BY s.created_at DESC, s.id LIMIT $1`, [
      limit,
    ]);
    return rows.map(toScript);
  }

  async deleteScript(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const res = await this.db.pool.query('DELETE FROM exercise_script WHERE id = $1', [id]);
    return (res.rowCount ?? 0) > 0;
  }
}
