import { z } from 'zod';
import type { ScoreFacts, ScoreOutcome } from '../score-reason';

/**
 * Trainees and scores of an exercise (issue 19). The trainer assigns users to an exercise, each in a team; their
 * actions on its incidents are attributed to them, and the scoring rules (seeds/scoring.yaml, versioned like the SOPs)
 * turn the exercise's log into points, each traceable to the action or the missed deadline that made it.
 */

/** PUT /api/v1/exercises/:id/trainees: the whole trainee group (replaces the previous one). */
export const ExerciseTraineesRequestSchema = z
  .object({
    trainees: z
      .array(
        z
          .object({
            userId: z.uuid(),
            /** A team name (e.g. "ca-1"); trainees without one form the team "default". */
            team: z.string().trim().min(1).max(60).default('default'),
          })
          .strict(),
      )
      .max(100),
  })
  .strict();
export type ExerciseTraineesRequest = z.infer<typeof ExerciseTraineesRequestSchema>;

export interface ExerciseTraineeDto {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly team: string;
  readonly assignedBy: string;
  readonly assignedAt: string;
}

/** What a line of the score is about: the scoring rules' criteria. */
export const SCORE_CRITERIA = [
  'acknowledge-time',
  'sop-step',
  'assignment',
  'escalation',
  'false-alarm',
  'left-open',
] as const;
export type ScoreCriterion = (typeof SCORE_CRITERIA)[number];

/**
 * One line of a score: points won or lost, and what made them. `source` is traceable: the incident event (its seq) of
 * the action, or the deadline that was missed (its time), so the trainer can show the trainee where each point came from.
 */
export interface ScoreLineDto {
  readonly criterion: ScoreCriterion;
  readonly points: number;
  readonly incidentId: string;
  /** The incident's type, e.g. `flood-risk`. */
  readonly incidentType: string;
  /** The trainee the line is attributed to; null for a line of the team alone (an incident nobody took). */
  readonly userId: string | null;
  readonly team: string;
  /** What happened, machine-readable (e.g. `acknowledged-late`): with `facts`, what `scoreReason` says in a language. */
  readonly outcome: ScoreOutcome;
  /** The figures of the outcome (e.g. `{ tookMs: 130000, deadlineMin: 3 }`); only those it needs. */
  readonly facts: ScoreFacts;
  /**
   * Human readable, in English, with the figures (e.g. "acknowledged in 2 min 10 s, deadline 3 min"): `scoreReason`
   * of the line in `en`, kept for the API's clients; the console and the report say it in their own language.
   */
  readonly reason: string;
  readonly source:
    | { readonly kind: 'action'; readonly eventSeq: number; readonly at: string }
    | { readonly kind: 'deadline'; readonly deadline: string; readonly at: string };
}

export interface TraineeScoreDto {
  readonly userId: string;
  readonly displayName: string;
  readonly team: string;
  readonly points: number;
}

export interface TeamScoreDto {
  readonly team: string;
  readonly points: number;
  readonly members: readonly string[];
}

/** GET /api/v1/exercises/:id/scoreboard. */
export interface ExerciseScoreboardDto {
  readonly exerciseId: string;
  /** The scoring rules' id and version (seeds/scoring.yaml). */
  readonly rules: { readonly id: string; readonly version: number };
  /** True while the exercise runs: the scores may still change. */
  readonly provisional: boolean;
  readonly trainees: readonly TraineeScoreDto[];
  readonly teams: readonly TeamScoreDto[];
  readonly lines: readonly ScoreLineDto[];
  /** When the scoreboard was computed (wall clock). */
  readonly computedAt: string;
}
