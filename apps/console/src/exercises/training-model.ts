import type { ApiUser, ExerciseTraineeDto, ExerciseTraineesRequest } from '@ioc/contracts';

/** The trainer's draft of a trainee group: who is picked, in which team. */
export type TraineeDraft = ReadonlyMap<string, string>;

export const DEFAULT_TEAM = 'default';
export const TEAM_MAX = 60;

/** The draft of a saved group. */
export function draftOf(trainees: readonly ExerciseTraineeDto[]): TraineeDraft {
  return new Map(trainees.map((t) => [t.userId, t.team]));
}

/** Picks (with the last team typed, or the default) or unpicks a user. */
export function toggle(draft: TraineeDraft, userId: string, team: string): TraineeDraft {
  const next = new Map(draft);
  if (next.has(userId)) next.delete(userId);
  else next.set(userId, team.trim() || DEFAULT_TEAM);
  return next;
}

export function setTeam(draft: TraineeDraft, userId: string, team: string): TraineeDraft {
  if (!draft.has(userId)) return draft;
  return new Map(draft).set(userId, team);
}

/** The request of a draft, or the problem: a team empty or too long. Users in the candidates' order. */
export function traineesRequest(
  draft: TraineeDraft,
  candidates: readonly ApiUser[],
): ExerciseTraineesRequest | { readonly error: 'teamEmpty' | 'teamLong' } {
  const picked = candidates.filter((c) => draft.has(c.userId));
  // A saved trainee who is no longer a candidate (disabled since) stays out: the server would refuse them.
  const trainees = picked.map((c) => ({ userId: c.userId, team: draft.get(c.userId)!.trim() }));
  if (trainees.some((t) => t.team.length === 0)) return { error: 'teamEmpty' };
  if (trainees.some((t) => t.team.length > TEAM_MAX)) return { error: 'teamLong' };
  return { trainees };
}

/** Points with their sign: "+10", "−5", "0". */
export function formatPoints(points: number): string {
  if (points > 0) return `+${points}`;
  if (points < 0) return `−${Math.abs(points)}`;
  return '0';
}
