import { Inject, Injectable } from '@nestjs/common';
import type { DeviceMessage, FieldReport } from '@ioc/domain';
import { encodeDeviceMessages } from '@ioc/contracts';
import { DATABASE, type Database } from './database';
import { toFieldReport } from './field-report.repository';
import { toDeviceMessage, type RawMessageCursor, type RawMessageRow } from './raw-message.repository';
import { chunkBySize } from './statement-size';
import { inTransaction } from './transaction';
import { isUuid } from './uuid';

export interface RecordingRecord {
  readonly id: string;
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
  readonly messages: number;
  /** Field reports of the window, replayed with the messages. */
  readonly reports: number;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export type ExerciseStatus = 'running' | 'finished' | 'stopped' | 'failed';

export interface ExerciseRecord {
  readonly id: string;
  /** Null once the recording is deleted; its name and window stay here. */
  readonly recordingId: string | null;
  readonly recordingName: string;
  readonly from: Date;
  readonly to: Date;
  /** Event time per wall time; 0: as fast as the machine goes. */
  readonly speed: number;
  readonly keyPrefix: string;
  readonly status: ExerciseStatus;
  /** The exercise's clock: at wall time `anchorAt` the drill was at `anchorTo` (the recording's time). */
  readonly anchorAt: Date;
  readonly anchorTo: Date;
  readonly paused: boolean;
  /** Backward seeks so far; `replayedTo` and `signalsApplied` are the current run's checkpoint. */
  readonly run: number;
  /** Decisions at or before this recording time are applied without the runner fanning them out (a seek skipped them). */
  readonly quietUntil: Date | null;
  readonly startedBy: string;
  readonly startedAt: Date;
  readonly replayedTo: Date | null;
  readonly signalsApplied: number;
  readonly endedAt: Date | null;
  readonly endedBy: string | null;
  readonly error: string | null;
  readonly woundUp: boolean;
}

interface RecordingRow {
  id: string;
  name: string;
  window_from: Date;
  window_to: Date;
  messages: number;
  reports: number;
  created_by: string;
  created_at: Date;
}

interface ExerciseRow {
  id: string;
  recording_id: string | null;
  recording_name: string;
  window_from: Date;
  window_to: Date;
  speed: number;
  key_prefix: string;
  status: ExerciseStatus;
  anchor_at: Date;
  anchor_to: Date;
  paused: boolean;
  run: number;
  quiet_until: Date | null;
  started_by: string;
  started_at: Date;
  replayed_to: Date | null;
  signals_applied: number;
  ended_at: Date | null;
  ended_by: string | null;
  error: string | null;
  wound_up: boolean;
}

const RECORDING_COLUMNS = 'id, name, window_from, window_to, messages, reports, created_by, created_at';
const EXERCISE_COLUMNS =
  'id, recording_id, recording_name, window_from, window_to, speed, key_prefix, status, anchor_at, anchor_to, paused, run, quiet_until, started_by, started_at, replayed_to, signals_applied, ended_at, ended_by, error, wound_up';

const toRecording = (r: RecordingRow): RecordingRecord => ({
  id: r.id,
  name: r.name,
  from: r.window_from,
  to: r.window_to,
  messages: r.messages,
  reports: r.reports,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toExercise = (r: ExerciseRow): ExerciseRecord => ({
  id: r.id,
  recordingId: r.recording_id,
  recordingName: r.recording_name,
  from: r.window_from,
  to: r.window_to,
  speed: r.speed,
  keyPrefix: r.key_prefix,
  status: r.status,
  anchorAt: r.anchor_at,
  anchorTo: r.anchor_to,
  paused: r.paused,
  run: r.run,
  quietUntil: r.quiet_until,
  startedBy: r.started_by,
  startedAt: r.started_at,
  replayedTo: r.replayed_to,
  signalsApplied: r.signals_applied,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
  error: r.error,
  woundUp: r.wound_up,
});

// Keyset paging in the engine's canonical order, as RawMessageRepository reads raw_message.
const RECORDING_PAGE = `
  SELECT time, device_id, msg_id, kind, received_at, topic, gateway_id, body
  FROM exercise_recording_message
  WHERE recording_id = $1
    AND ($2::timestamptz IS NULL OR (time, device_id, msg_id) > ($2::timestamptz, $3::text, $4::text))
  ORDER BY time, device_id, msg_id
  LIMIT $5`;

// A batch of given messages and reports into a recording: one JSON document per statement, as the ingest writes
// raw_message. ON CONFLICT counts a repeat (same time, device and message id; same report) once: the caller compares.
const IMPORT_MESSAGES = `
  INSERT INTO exercise_recording_message (recording_id, time, device_id, msg_id, kind, received_at, topic, gateway_id, body)
  SELECT $1, ts, "deviceId", "msgId", kind, "receivedAt", topic, "gatewayId", body
  FROM json_to_recordset($2::json) AS m(ts timestamptz, "deviceId" text, "msgId" text, kind text,
                                        "receivedAt" timestamptz, topic text, "gatewayId" text, body jsonb)
  ON CONFLICT DO NOTHING`;
const IMPORT_REPORTS = `
  INSERT INTO exercise_recording_report (recording_id, id, reported_at, channel, category, lat, lon, text, photo_ref)
  SELECT $1, id, "reportedAt", channel, category, lat, lon, text, "photoRef"
  FROM json_to_recordset($2::json) AS r(id uuid, "reportedAt" timestamptz, channel text, category text,
                                        lat float8, lon float8, text text, "photoRef" text)
  ON CONFLICT DO NOTHING`;

/** Messages and field reports handed to `importRecording`, a batch at a time. */
export interface RecordingBatch {
  readonly messages: readonly DeviceMessage[];
  readonly reports: readonly FieldReport[];
}

/** How `importRecording` ended when it kept nothing. */
export type RecordingImportRefusal =
  | 'empty'
  | { readonly tooMany: number }
  /** A message or report given twice (the same key); with `duplicates: 'skip'` they are counted once instead. */
  | { readonly duplicate: 'message' | 'report' };

/** Recordings (copies of stored device messages) and the exercises that replay them. */
@Injectable()
export class ExerciseRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Copies the device messages stored in [from, to), and the field reports made in it, into a new recording, in one
   * transaction. 'empty' when there were neither; `{ tooMany }` (nothing kept) when more than `maxMessages` were
   * stored there, messages and reports together.
   */
  async record(
    r: Pick<RecordingRecord, 'id' | 'name' | 'from' | 'to' | 'createdBy'>,
    maxMessages: number,
  ): Promise<RecordingRecord | 'empty' | { readonly tooMany: number }> {
    return inTransaction(
      this.db.pool,
      async (client) => {
        const { rows } = await client.query<RecordingRow>(
          `INSERT INTO exercise_recording (id, name, window_from, window_to, messages, created_by) VALUES ($1, $2, $3, $4, 0, $5) RETURNING ${RECORDING_COLUMNS}`,
          [r.id, r.name, r.from, r.to, r.createdBy],
        );
        // LIMIT one more than allowed: a window past the limit is refused without copying all of it.
        const copied = await client.query(
          `INSERT INTO exercise_recording_message (recording_id, time, device_id, msg_id, kind, received_at, topic, gateway_id, body)
           SELECT $1, time, device_id, msg_id, kind, received_at, topic, gateway_id, body
           FROM raw_message WHERE time >= $2 AND time < $3
           LIMIT $4`,
          [r.id, r.from, r.to, maxMessages + 1],
        );
        const messages = copied.rowCount ?? 0;
        if (messages > maxMessages) return { tooMany: messages };
        const reported = await client.query(
          `INSERT INTO exercise_recording_report (recording_id, id, reported_at, channel, category, lat, lon, text, photo_ref)
           SELECT $1, id, reported_at, channel, category, lat, lon, text, photo_ref
           FROM field_report WHERE reported_at >= $2 AND reported_at < $3
           LIMIT $4`,
          [r.id, r.from, r.to, maxMessages + 1 - messages],
        );
        const reports = reported.rowCount ?? 0;
        if (messages + reports === 0) return 'empty' as const;
        if (messages + reports > maxMessages) return { tooMany: messages + reports };
        await client.query('UPDATE exercise_recording SET messages = $2, reports = $3 WHERE id = $1', [
          r.id,
          messages,
          reports,
        ]);
        return { ...toRecording(rows[0]), messages, reports };
      },
      (result) => typeof result === 'object' && 'id' in result,
    );
  }

  /**
   * A new recording of given messages and field reports (an imported file, a simulated scenario), in one transaction:
   * nothing is kept when `batches` throws (the file turned out bad after its first lines), when there are more than
   * `maxEntries` together, when there are none, or (with `duplicates: 'refuse'`) when one repeats another.
   */
  async importRecording(
    r: Pick<RecordingRecord, 'id' | 'name' | 'from' | 'to' | 'createdBy'>,
    batches: AsyncIterable<RecordingBatch>,
    opts: { readonly maxEntries: number; readonly duplicates: 'refuse' | 'skip' },
  ): Promise<RecordingRecord | RecordingImportRefusal> {
    const limit = this.db.maxStatementBytes;
    return inTransaction(
      this.db.pool,
      async (client): Promise<RecordingRecord | RecordingImportRefusal> => {
        const { rows } = await client.query<RecordingRow>(
          `INSERT INTO exercise_recording (id, name, window_from, window_to, messages, created_by) VALUES ($1, $2, $3, $4, 0, $5) RETURNING ${RECORDING_COLUMNS}`,
          [r.id, r.name, r.from, r.to, r.createdBy],
        );
        let messages = 0;
        let reports = 0;
        for await (const batch of batches) {
          for (const chunk of chunkBySize(batch.messages, (m) => m.bodyJson.length + 256, limit)) {
            const res = await client.query(IMPORT_MESSAGES, [r.id, encodeDeviceMessages(chunk)]);
            const n = res.rowCount ?? 0;
            if (n < chunk.length && opts.duplicates === 'refuse') return { duplicate: 'message' };
            messages += n;
          }
          const reportRows = batch.reports.map((x) => ({
            ...x,
            reportedAt: new Date(x.reportedAt).toISOString(),
            photoRef: x.photoRef ?? null,
          }));
          for (const chunk of chunkBySize(reportRows, (x) => x.text.length * 3 + 512, limit)) {
            const res = await client.query(IMPORT_REPORTS, [r.id, JSON.stringify(chunk)]);
            const n = res.rowCount ?? 0;
            if (n < chunk.length && opts.duplicates === 'refuse') return { duplicate: 'report' };
            reports += n;
          }
          if (messages + reports > opts.maxEntries) return { tooMany: messages + reports };
        }
        if (messages + reports === 0) return 'empty';
        await client.query('UPDATE exercise_recording SET messages = $2, reports = $3 WHERE id = $1', [
          r.id,
          messages,
          reports,
        ]);
        return { ...toRecording(rows[0]), messages, reports };
      },
      (result) => typeof result === 'object' && 'id' in result,
    );
  }

  async findRecording(id: string): Promise<RecordingRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<RecordingRow>(
      `SELECT ${RECORDING_COLUMNS} FROM exercise_recording WHERE id = $1`,
      [id],
    );
    return rows[0] && toRecording(rows[0]);
  }

  /** Newest first. */
  async listRecordings(limit: number): Promise<RecordingRecord[]> {
    const { rows } = await this.db.pool.query<RecordingRow>(
      `SELECT ${RECORDING_COLUMNS} FROM exercise_recording ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map(toRecording);
  }

  /** 'in-use' (nothing deleted) while an exercise of it runs; past exercises keep its name and window. */
  async deleteRecording(id: string): Promise<'deleted' | 'not-found' | 'in-use'> {
    if (!isUuid(id)) return 'not-found';
    const { rows } = await this.db.pool.query<{ outcome: 'deleted' | 'in-use' }>(
      `WITH running AS (SELECT 1 FROM exercise WHERE recording_id = $1 AND status = 'running'),
            gone AS (DELETE FROM exercise_recording WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM running) RETURNING 1)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM gone) THEN 'deleted' ELSE 'in-use' END AS outcome
       WHERE EXISTS (SELECT 1 FROM exercise_recording WHERE id = $1)`,
      [id],
    );
    return rows[0]?.outcome ?? 'not-found';
  }

  /** A page of a recording's messages after `after`, in canonical order. */
  async recordingPage(
    recordingId: string,
    after: RawMessageCursor | undefined,
    limit: number,
  ): Promise<DeviceMessage[]> {
    const { rows } = await this.db.pool.query<RawMessageRow>(RECORDING_PAGE, [
      recordingId,
      after?.time ?? null,
      after?.deviceId ?? null,
      after?.msgId ?? null,
      limit,
    ]);
    return rows.map(toDeviceMessage);
  }

  /** The devices a recording holds messages of, sorted: the only ones whose absence its drill judges (see ExerciseReplay). */
  async recordingDevices(recordingId: string): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ device_id: string }>(
      'SELECT DISTINCT device_id FROM exercise_recording_message WHERE recording_id = $1 ORDER BY device_id',
      [recordingId],
    );
    return rows.map((r) => r.device_id);
  }

  /** A recording's field reports, oldest first (as the engine orders them: time, then id). */
  async recordingReports(recordingId: string): Promise<FieldReport[]> {
    const { rows } = await this.db.pool.query<Parameters<typeof toFieldReport>[0]>(
      `SELECT id, reported_at AS "reportedAt", channel, category, lat, lon, text, photo_ref AS "photoRef"
       FROM exercise_recording_report WHERE recording_id = $1 ORDER BY reported_at, id`,
      [recordingId],
    );
    return rows.map(toFieldReport);
  }

  /**
   * A new running exercise of a recording, its clock anchored at its start; 'active' (nothing stored) while
   * `maxRunning` already run. Starts take one advisory lock, so two at once cannot both take the last place.
   */
  async start(
    e: Pick<ExerciseRecord, 'id' | 'speed' | 'keyPrefix' | 'startedBy' | 'startedAt'>,
    recording: RecordingRecord,
    maxRunning: number,
  ): Promise<ExerciseRecord | 'active'> {
    return inTransaction(this.db.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('ioc.exercise.start'))");
      const { rows: running } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM exercise WHERE status = 'running'",
      );
      if (running[0].n >= maxRunning) return 'active' as const;
      const { rows } = await client.query<ExerciseRow>(
        `INSERT INTO exercise (id, recording_id, recording_name, window_from, window_to, speed, key_prefix, status,
                               anchor_at, anchor_to, started_by, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $9, $4, $8, $9)
         RETURNING ${EXERCISE_COLUMNS}`,
        [
          e.id,
          recording.id,
          recording.name,
          recording.from,
          recording.to,
          e.speed,
          e.keyPrefix,
          e.startedBy,
          e.startedAt,
        ],
      );
      return toExercise(rows[0]);
    });
  }

  /** How many exercises run now. */
  async runningCount(): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM exercise WHERE status = 'running'",
    );
    return rows[0].n;
  }

  /**
   * Steers a running exercise: `change` sees the row (locked) and says its new clock; `restart` also resets the
   * checkpoint (a new run from the recording's start). 'not-found', or the record as it is when it no longer runs.
   */
  async steer(
    id: string,
    change: (e: ExerciseRecord) => {
      readonly speed: number;
      readonly anchorAt: Date;
      readonly anchorTo: Date;
      readonly paused: boolean;
      readonly run: number;
      readonly quietUntil: Date | null;
      readonly restart: boolean;
    },
  ): Promise<{ readonly steered: ExerciseRecord } | { readonly notRunning: ExerciseRecord } | 'not-found'> {
    if (!isUuid(id)) return 'not-found';
    return inTransaction(this.db.pool, async (client) => {
      const { rows } = await client.query<ExerciseRow>(
        `SELECT ${EXERCISE_COLUMNS} FROM exercise WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!rows[0]) return 'not-found' as const;
      const e = toExercise(rows[0]);
      if (e.status !== 'running') return { notRunning: e };
      const c = change(e);
      const { rows: updated } = await client.query<ExerciseRow>(
        `UPDATE exercise SET speed = $2, anchor_at = $3, anchor_to = $4, paused = $5, run = $6, quiet_until = $7,
                replayed_to = CASE WHEN $8 THEN NULL ELSE replayed_to END,
                signals_applied = CASE WHEN $8 THEN 0 ELSE signals_applied END
         WHERE id = $1 RETURNING ${EXERCISE_COLUMNS}`,
        [id, c.speed, c.anchorAt, c.anchorTo, c.paused, c.run, c.quietUntil, c.restart],
      );
      return { steered: toExercise(updated[0]) };
    });
  }

  async findExercise(id: string): Promise<ExerciseRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<ExerciseRow>(`SELECT ${EXERCISE_COLUMNS} FROM exercise WHERE id = $1`, [
      id,
    ]);
    return rows[0] && toExercise(rows[0]);
  }

  /** Newest first. */
  async listExercises(limit: number): Promise<ExerciseRecord[]> {
    const { rows } = await this.db.pool.query<ExerciseRow>(
      `SELECT ${EXERCISE_COLUMNS} FROM exercise ORDER BY started_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map(toExercise);
  }

  /**
   * The replay's checkpoint of run `run`, kept only while the exercise runs that run (a backward seek has started
   * another: the old run's step changes nothing); returns the exercise as it is now, with any trainer's steering
   * (undefined: no such exercise).
   */
  async checkpoint(
    id: string,
    run: number,
    replayedTo: Date,
    signalsApplied: number,
  ): Promise<ExerciseRecord | undefined> {
    const { rows } = await this.db.pool.query<ExerciseRow>(
      `WITH kept AS (
         UPDATE exercise SET replayed_to = $3, signals_applied = $4
         WHERE id = $1 AND status = 'running' AND run = $2 RETURNING ${EXERCISE_COLUMNS})
       SELECT ${EXERCISE_COLUMNS} FROM kept
       UNION ALL SELECT ${EXERCISE_COLUMNS} FROM exercise WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM kept)`,
      [id, run, replayedTo, signalsApplied],
    );
    return rows[0] && toExercise(rows[0]);
  }

  /** Ends a running exercise (stopped by `by`, finished or failed); undefined when it was not running. */
  async end(
    id: string,
    outcome: {
      readonly status: Exclude<ExerciseStatus, 'running'>;
      readonly at: Date;
      readonly by?: string;
      readonly error?: string;
    },
  ): Promise<ExerciseRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<ExerciseRow>(
      `UPDATE exercise SET status = $2, ended_at = $3, ended_by = $4, error = $5 WHERE id = $1 AND status = 'running' RETURNING ${EXERCISE_COLUMNS}`,
      [id, outcome.status, outcome.at, outcome.by ?? null, outcome.error ?? null],
    );
    return rows[0] && toExercise(rows[0]);
  }

  async markWoundUp(id: string): Promise<void> {
    await this.db.pool.query('UPDATE exercise SET wound_up = true WHERE id = $1', [id]);
  }
}
