import { Inject, Injectable } from '@nestjs/common';
import type {
  ApiUser,
  ApiUserRole,
  ExerciseActionDto,
  ExerciseDto,
  ExerciseTraineeDto,
  ExerciseTraineesRequest,
} from '@ioc/contracts';
import { SYSTEM_ACTOR, type StoredIncidentEvent } from '@ioc/domain';
import { ExerciseAccessService, type Viewer } from '@ioc/incidents';
import { CLOCK, LOGGER, type Clock, type Logger } from '@ioc/platform';
import {
  ExerciseRepository,
  ExerciseTraineeRepository,
  IncidentRepository,
  UserRepository,
  type ExerciseTraineeRecord,
} from '@ioc/storage';
import { ExerciseError } from './exercise.errors';
import { ExerciseService } from './exercise.service';

/** Actions listed at most (the newest). */
export const EXERCISE_ACTIONS_LIMIT = 200;

export const toTraineeDto = (t: ExerciseTraineeRecord): ExerciseTraineeDto => ({
  userId: t.userId,
  username: t.username,
  displayName: t.displayName,
  team: t.team,
  assignedBy: t.assignedBy,
  assignedAt: t.assignedAt.toISOString(),
});

const detailOf = (e: StoredIncidentEvent): string | null => {
  switch (e.type) {
    case 'assigned':
      return e.data.assignee;
    case 'sop-step-completed':
      return e.data.stepId;
    case 'resolved':
    case 'reopened':
      return e.data.reason;
    case 'commented':
      return e.data.text;
    case 'escalated':
      return String(e.data.level);
    default:
      return null;
  }
};

/**
 * The trainees of exercises (issue 19): the group a trainer assigns, what a trainee may see of exercises (their own
 * only: ExerciseAccessService), and the feed of people's actions on an exercise's incidents.
 */
@Injectable()
export class ExerciseTraineesService {
  constructor(
    @Inject(ExerciseService) private readonly exercises: Pick<ExerciseService, 'list' | 'get'>,
    @Inject(ExerciseRepository) private readonly repo: Pick<ExerciseRepository, 'findExercise'>,
    @Inject(ExerciseTraineeRepository) private readonly trainees: ExerciseTraineeRepository,
    @Inject(UserRepository) private readonly users: Pick<UserRepository, 'findByIds' | 'list'>,
    @Inject(IncidentRepository) private readonly incidents: Pick<IncidentRepository, 'exerciseIncidents' | 'eventsOf'>,
    @Inject(ExerciseAccessService) private readonly access: ExerciseAccessService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Exercises the viewer may see: all of them, or a trainee's own. */
  async list(viewer: Viewer): Promise<ExerciseDto[]> {
    const [list, scope] = await Promise.all([this.exercises.list(), this.access.scopeOf(viewer)]);
    return scope.all ? list : list.filter((e) => scope.exerciseIds.has(e.id));
  }

  async get(id: string, viewer: Viewer): Promise<ExerciseDto> {
    await this.access.assertExercise(viewer, id);
    return this.exercises.get(id);
  }

  /** Who may train: the enabled operators (the trainer's picker; trainers do not see the user list itself). */
  async candidates(): Promise<ApiUser[]> {
    return (await this.users.list())
      .filter((u) => !u.disabled && u.role === 'operator')
      .map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName, role: u.role as ApiUserRole }));
  }

  /** The exercise's trainees (a trainee may read the group of their own exercise). */
  async traineesOf(id: string, viewer: Viewer): Promise<ExerciseTraineeDto[]> {
    await this.requireExercise(id);
    await this.access.assertExercise(viewer, id);
    return (await this.trainees.list(id)).map(toTraineeDto);
  }

  /**
   * Replaces the exercise's trainee group. Every user must exist and be enabled, and be named once
   * (EXERCISE_TRAINEE_INVALID); an ended exercise's group may still be corrected (its scores follow).
   */
  async assign(id: string, req: ExerciseTraineesRequest, by: string): Promise<ExerciseTraineeDto[]> {
    await this.requireExercise(id);
    const ids = req.trainees.map((t) => t.userId);
    const twice = ids.find((u, i) => ids.indexOf(u) !== i);
    if (twice !== undefined)
      throw new ExerciseError('EXERCISE_TRAINEE_INVALID', `user ${twice} is named twice`, {
        exerciseId: id,
        userId: twice,
      });
    const users = await this.users.findByIds(ids);
    for (const userId of ids) {
      const u = users.get(userId);
      if (!u) throw new ExerciseError('EXERCISE_TRAINEE_INVALID', `no user ${userId}`, { exerciseId: id, userId });
      if (u.disabled)
        throw new ExerciseError('EXERCISE_TRAINEE_INVALID', `user ${u.username} is disabled`, {
          exerciseId: id,
          userId,
        });
    }
    const before = await this.trainees.list(id);
    const saved = await this.trainees.replace(
      id,
      req.trainees.map((t) => ({ userId: t.userId, team: t.team })),
      by,
      new Date(this.clock.nowMs()),
    );
    // This process sees the change at once; other API processes within EXERCISE_SCOPE_CACHE_MS.
    this.access.forget([...before.map((t) => t.userId), ...ids]);
    this.logger.info(
      { exerciseId: id, by, trainees: saved.length, teams: [...new Set(saved.map((t) => t.team))] },
      'exercise trainees assigned',
    );
    return saved.map(toTraineeDto);
  }

  /** People's actions on the exercise's incidents, newest first (the engine's and the timers' are left out). */
  async actions(id: string, limit = EXERCISE_ACTIONS_LIMIT): Promise<ExerciseActionDto[]> {
    const e = await this.requireExercise(id);
    const incidents = await this.incidents.exerciseIncidents(e.keyPrefix);
    const byId = new Map(incidents.map((i) => [i.id, i]));
    const events = (await this.incidents.eventsOf(incidents.map((i) => i.id)))
      .filter((ev) => ev.actor !== SYSTEM_ACTOR)
      .reverse()
      .slice(0, limit);
    const [names, trainees] = await Promise.all([
      this.users.findByIds(events.map((ev) => ev.actor)),
      this.trainees.list(id),
    ]);
    const teams = new Map(trainees.map((t) => [t.userId, t.team]));
    return events.map((ev) => {
      const incident = byId.get(ev.incidentId)!;
      return {
        seq: ev.seq,
        at: new Date(ev.at).toISOString(),
        incidentId: ev.incidentId,
        incidentType: incident.type,
        incidentTitle: incident.title,
        type: ev.type,
        actor: ev.actor,
        actorName: names.get(ev.actor)?.displayName ?? null,
        team: teams.get(ev.actor) ?? null,
        detail: detailOf(ev),
      };
    });
  }

  private async requireExercise(id: string) {
    const e = await this.repo.findExercise(id);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${id}`, { exerciseId: id });
    return e;
  }
}
