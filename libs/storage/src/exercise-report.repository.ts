import { Inject, Injectable } from '@nestjs/common';
import type { IncidentNotification, IncidentRecord, StoredIncidentEvent } from '@ioc/domain';
import { DATABASE, type Database } from './database';
import {
  COLUMNS as INCIDENT_COLUMNS,
  toEvent,
  toIncident,
  type EventRow,
  type IncidentRow,
} from './incident.repository';
import {
  COLUMNS as NOTIFICATION_COLUMNS,
  toNotification,
  type NotificationRow,
} from './incident-notification.repository';
import { isUuid } from './uuid';

/** The trainer's review of an exercise (migration 20261208000300000_exercise-review.sql). */
export interface ExerciseReviewRecord {
  readonly exerciseId: string;
  readonly wentWell: string;
  readonly toImprove: string;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

interface ReviewRow {
  exercise_id: string;
  went_well: string;
  to_improve: string;
  updated_by: string;
  updated_at: Date;
}

const toReview = (r: ReviewRow): ExerciseReviewRecord => ({
  exerciseId: r.exercise_id,
  wentWell: r.went_well,
  toImprove: r.to_improve,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/** What the after-action report reads: an exercise's incidents, their log and notifications, and the trainer's review. */
@Injectable()
export class ExerciseReportRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findReview(exerciseId: string): Promise<ExerciseReviewRecord | undefined> {
    if (!isUuid(exerciseId)) return undefined;
    const { rows } = await this.db.pool.query<ReviewRow>(
      'SELECT exercise_id, went_well, to_improve, updated_by, updated_at FROM exercise_review WHERE exercise_id = $1',
      [exerciseId],
    );
    return rows[0] && toReview(rows[0]);
  }

  /**
   * Writes the review of an exercise that has ended, in one statement (an exercise still running is left alone):
   * 'not-found', `{ running: true }`, or the review saved.
   */
  async saveReview(
    review: ExerciseReviewRecord,
  ): Promise<'not-found' | { readonly running: true } | ExerciseReviewRecord> {
    if (!isUuid(review.exerciseId)) return 'not-found';
    const { rows } = await this.db.pool.query<{ status: string } & Partial<ReviewRow>>(
      `WITH e AS (SELECT id, status FROM exercise WHERE id = $1),
       saved AS (
         INSERT INTO exercise_review (exercise_id, went_well, to_improve, updated_by, updated_at)
         SELECT id, $2, $3, $4, $5 FROM e WHERE status <> 'running'
         ON CONFLICT (exercise_id) DO UPDATE SET went_well = EXCLUDED.went_well, to_improve = EXCLUDED.to_improve,
           updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
         RETURNING exercise_id, went_well, to_improve, updated_by, updated_at)
       SELECT e.status, saved.* FROM e LEFT JOIN saved ON true`,
      [review.exerciseId, review.wentWell, review.toImprove, review.updatedBy, review.updatedAt],
    );
    if (!rows[0]) return 'not-found';
    if (!rows[0].exercise_id) return { running: true };
    return toReview(rows[0] as ReviewRow);
  }

  /** Every exercise incident whose key starts with `prefix` (all runs of an exercise), oldest first. */
  async incidentsWithPrefix(prefix: string): Promise<IncidentRecord[]> {
    const { rows } = await this.db.pool.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM incident WHERE exercise AND starts_with(dedup_key, $1) ORDER BY opened_at, id`,
      [prefix],
    );
    return rows.map(toIncident);
  }

  /** The log of these incidents, in commit order. */
  async eventsOf(incidentIds: readonly string[]): Promise<StoredIncidentEvent[]> {
    if (incidentIds.length === 0) return [];
    const { rows } = await this.db.pool.query<EventRow>(
      `SELECT seq, incident_id, incident_version, type, at, actor, data FROM incident_event
       WHERE incident_id = ANY($1::uuid[]) ORDER BY seq`,
      [incidentIds],
    );
    return rows.map(toEvent);
  }

  /** Escalation notifications recorded for these incidents (none for exercise incidents unless paged by hand). */
  async notificationsOf(incidentIds: readonly string[]): Promise<IncidentNotification[]> {
    if (incidentIds.length === 0) return [];
    const { rows } = await this.db.pool.query<NotificationRow>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM incident_notification WHERE incident_id = ANY($1::uuid[]) ORDER BY incident_id, level`,
      [incidentIds],
    );
    return rows.map(toNotification);
  }
}
