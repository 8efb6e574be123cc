import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from './database';
import { inTransaction } from './transaction';
import { isUuid } from './uuid';

/** One trainee of an exercise, with the user's names (a disabled user stays listed: their actions stand). */
export interface ExerciseTraineeRecord {
  readonly exerciseId: string;
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly team: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
}

interface TraineeRow {
  exercise_id: string;
  user_id: string;
  username: string;
  display_name: string;
  team: string;
  assigned_by: string;
  assigned_at: Date;
}

const toTrainee = (r: TraineeRow): ExerciseTraineeRecord => ({
  exerciseId: r.exercise_id,
  userId: r.user_id,
  username: r.username,
  displayName: r.display_name,
  team: r.team,
  assignedBy: r.assigned_by,
  assignedAt: r.assigned_at,
});

const SELECT_TRAINEES = `
  SELECT t.exercise_id, t.user_id, u.username, u.display_name, t.team, t.assigned_by, t.assigned_at
  FROM exercise_trainee t JOIN app_user u ON u.id = t.user_id`;

/** Who trains in which exercise (exercise_trainee): the group a trainer sets, and a trainee's exercises. */
@Injectable()
export class ExerciseTraineeRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Replaces the exercise's whole group in one transaction; the caller has checked the exercise and the users. */
  async replace(
    exerciseId: string,
    trainees: ReadonlyArray<{ readonly userId: string; readonly team: string }>,
    by: string,
    at: Date,
  ): Promise<ExerciseTraineeRecord[]> {
    await inTransaction(this.db.pool, async (client) => {
      await client.query('DELETE FROM exercise_trainee WHERE exercise_id = $1', [exerciseId]);
      if (trainees.length > 0)
        await client.query(
          `INSERT INTO exercise_trainee (exercise_id, user_id, team, assigned_by, assigned_at)
           SELECT $1, u, t, $4, $5 FROM unnest($2::uuid[], $3::text[]) AS x(u, t)`,
          [exerciseId, trainees.map((t) => t.userId), trainees.map((t) => t.team), by, at],
        );
    });
    return this.list(exerciseId);
  }

  /** The exercise's trainees, by team then display name. */
  async list(exerciseId: string): Promise<ExerciseTraineeRecord[]> {
    if (!isUuid(exerciseId)) return [];
    const { rows } = await this.db.pool.query<TraineeRow>(
      `${SELECT_TRAINEES} WHERE t.exercise_id = $1 ORDER BY t.team, u.display_name, t.user_id`,
      [exerciseId],
    );
    return rows.map(toTrainee);
  }

  /**
   * The exercises a user trains in, with their incidents' key prefix (`exercise-<8 hex>/`): what a trainee may see of
   * exercise incidents. One indexed query.
   */
  async assignmentsOf(userId: string): Promise<Array<{ readonly exerciseId: string; readonly keyPrefix: string }>> {
    if (!isUuid(userId)) return [];
    const { rows } = await this.db.pool.query<{ exercise_id: string; key_prefix: string }>(
      `SELECT t.exercise_id, e.key_prefix FROM exercise_trainee t JOIN exercise e ON e.id = t.exercise_id
       WHERE t.user_id = $1 ORDER BY e.key_prefix`,
      [userId],
    );
    return rows.map((r) => ({ exerciseId: r.exercise_id, keyPrefix: r.key_prefix }));
  }
}
