import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@ioc/platform';
import { ExerciseTraineeRepository } from '@ioc/storage';
import { IncidentError } from '../incident.errors';

/** Who asks: a user and their role. */
export interface Viewer {
  readonly userId: string;
  readonly role: string;
}

/**
 * What of the exercises a viewer sees: `all` (trainers, supervisors, admins), or only the exercises a trainee is
 * assigned to (their ids and their incidents' key prefixes).
 */
export type ExerciseScope =
  | { readonly all: true }
  | { readonly all: false; readonly exerciseIds: ReadonlySet<string>; readonly keyPrefixes: readonly string[] };

/** Roles kept to their own exercises: operators are the trainees. Everyone else who sees exercises sees them all. */
const RESTRICTED_ROLES: ReadonlySet<string> = new Set(['operator']);

/** A trainee's assignments are read again after this long (a trainer's change reaches every process within it). */
export const EXERCISE_SCOPE_CACHE_MS = 2_000;

const ALL: ExerciseScope = { all: true };

/** Whether an incident (its key and exercise flag) lies in the scope; live incidents always do. */
export function inScope(scope: ExerciseScope, incident: { readonly key: string; readonly exercise: boolean }): boolean {
  if (!incident.exercise || scope.all) return true;
  return scope.keyPrefixes.some((p) => incident.key.startsWith(p));
}

/**
 * Keeps exercises apart (issue 19): a trainee (an operator) sees and acts on the incidents of the exercises they are
 * assigned to, never another exercise's; live operation is untouched. A trainee's scope is one indexed query, kept
 * EXERCISE_SCOPE_CACHE_MS per user, so a page of incidents or a socket's subscription costs no more than that; the
 * socket filter holds the prefixes and never asks per delivery.
 */
@Injectable()
export class ExerciseAccessService {
  private readonly cache = new Map<string, { readonly at: number; readonly scope: Promise<ExerciseScope> }>();

  constructor(
    @Inject(ExerciseTraineeRepository) private readonly trainees: Pick<ExerciseTraineeRepository, 'assignmentsOf'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  restricted(role: string): boolean {
    return RESTRICTED_ROLES.has(role);
  }

  scopeOf(viewer: Viewer): Promise<ExerciseScope> {
    if (!this.restricted(viewer.role)) return Promise.resolve(ALL);
    const now = this.clock.nowMs();
    const hit = this.cache.get(viewer.userId);
    if (hit && now - hit.at < EXERCISE_SCOPE_CACHE_MS) return hit.scope;
    const scope = this.trainees.assignmentsOf(viewer.userId).then((rows): ExerciseScope => ({
      all: false,
      exerciseIds: new Set(rows.map((r) => r.exerciseId)),
      keyPrefixes: rows.map((r) => r.keyPrefix),
    }));
    // A failed read is not kept.
    scope.catch(() => this.cache.delete(viewer.userId));
    this.cache.set(viewer.userId, { at: now, scope });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return scope;
  }

  /** A trainer changed a group: this process reads these users' assignments again at once (others within the TTL). */
  forget(userIds: Iterable<string>): void {
    for (const id of userIds) this.cache.delete(id);
  }

  /** EXERCISE_NOT_ASSIGNED unless the viewer may see (and act on) the incident. */
  async assertIncident(
    viewer: Viewer,
    incident: { readonly id: string; readonly key: string; readonly exercise: boolean },
  ) {
    if (!incident.exercise || !this.restricted(viewer.role)) return;
    if (!inScope(await this.scopeOf(viewer), incident))
      throw new IncidentError('EXERCISE_NOT_ASSIGNED', 'this incident belongs to an exercise you are not assigned to', {
        incidentId: incident.id,
        userId: viewer.userId,
      });
  }

  /** EXERCISE_NOT_ASSIGNED unless the viewer may see the exercise. */
  async assertExercise(viewer: Viewer, exerciseId: string): Promise<void> {
    if (!this.restricted(viewer.role)) return;
    const scope = await this.scopeOf(viewer);
    if (!scope.all && !scope.exerciseIds.has(exerciseId))
      throw new IncidentError('EXERCISE_NOT_ASSIGNED', 'you are not assigned to this exercise', {
        exerciseId,
        userId: viewer.userId,
      });
  }
}
