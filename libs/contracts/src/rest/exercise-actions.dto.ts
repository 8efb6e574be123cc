import type { BilingualText, IncidentEvent } from '@ioc/domain';

/**
 * GET /api/v1/exercises/:id/actions: what people did on the exercise's incidents (not the engine's or the timers'
 * doing), newest first, for the trainer's live feed: who, what, when.
 */
export interface ExerciseActionDto {
  /** The incident event's seq (the scoreboard's lines name the same). */
  readonly seq: number;
  readonly at: string;
  readonly incidentId: string;
  readonly incidentType: string;
  readonly incidentTitle: BilingualText;
  readonly type: IncidentEvent['type'];
  readonly actor: string;
  readonly actorName: string | null;
  /** The actor's team when they are a trainee of the exercise; null for anyone else (a trainer, a supervisor). */
  readonly team: string | null;
  /** The assignee, the SOP step, the resolution note or the comment; null when the action has none. */
  readonly detail: string | null;
}
