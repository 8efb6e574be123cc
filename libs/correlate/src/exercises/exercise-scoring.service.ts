import { Inject, Injectable } from '@nestjs/common';
import type { ExerciseScoreboardDto } from '@ioc/contracts';
import type { StoredIncidentEvent } from '@ioc/domain';
import {
  ESCALATION_POLICY,
  ExerciseAccessService,
  scoreExercise,
  type EscalationPolicy,
  type ScoringRules,
  type Viewer,
} from '@ioc/incidents';
import { CLOCK, type Clock } from '@ioc/platform';
import { ExerciseRepository, ExerciseTraineeRepository, IncidentRepository } from '@ioc/storage';
import { ExerciseError } from './exercise.errors';
import { EXERCISE_ENDED_REASON, EXERCISE_REWOUND_REASON } from './exercise.service';

/** The scoring rules in force (seeds/scoring.yaml, validated at boot). */
export const SCORING_RULES = Symbol('SCORING_RULES');

/**
 * Scores of exercises (issue 19): reads an exercise's trainees, incidents and their events, and hands them to the pure
 * scorer (scoreExercise) with the rules of seeds/scoring.yaml. While the exercise runs the scoreboard is provisional
 * (deadlines count up to now); once it ended, final. The after-action report reads `scoreboard`.
 */
@Injectable()
export class ExerciseScoringService {
  constructor(
    @Inject(ExerciseRepository) private readonly exercises: Pick<ExerciseRepository, 'findExercise'>,
    @Inject(ExerciseTraineeRepository) private readonly trainees: Pick<ExerciseTraineeRepository, 'list'>,
    @Inject(IncidentRepository) private readonly incidents: Pick<IncidentRepository, 'exerciseIncidents' | 'eventsOf'>,
    @Inject(ExerciseAccessService)
    private readonly access: Pick<ExerciseAccessService, 'restricted' | 'assertExercise'>,
    @Inject(SCORING_RULES) private readonly rules: ScoringRules,
    /** The escalation policy (EscalationModule, global where exercises run): the levels a late acknowledgement costs. */
    @Inject(ESCALATION_POLICY) private readonly escalation: EscalationPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The whole scoreboard of an exercise: every trainee, team and line (EXERCISE_NOT_FOUND). */
  async scoreboard(exerciseId: string): Promise<ExerciseScoreboardDto> {
    const e = await this.exercises.findExercise(exerciseId);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    const [trainees, incidents] = await Promise.all([
      this.trainees.list(exerciseId),
      this.incidents.exerciseIncidents(e.keyPrefix),
    ]);
    const events = await this.incidents.eventsOf(incidents.map((i) => i.id));
    const byIncident = new Map<string, StoredIncidentEvent[]>();
    for (const ev of events) byIncident.set(ev.incidentId, [...(byIncident.get(ev.incidentId) ?? []), ev]);
    const now = this.clock.nowMs();
    return scoreExercise({
      exerciseId,
      rules: this.rules,
      escalation: this.escalation,
      trainees: trainees.map((t) => ({ userId: t.userId, displayName: t.displayName, team: t.team })),
      incidents: incidents.map((i) => ({
        id: i.id,
        type: i.type,
        openedAt: i.openedAt,
        state: i.state,
        sop: i.sop,
        events: byIncident.get(i.id) ?? [],
      })),
      endedAt: e.status === 'running' ? null : (e.endedAt?.getTime() ?? now),
      now,
      reasons: { ended: EXERCISE_ENDED_REASON, rewound: EXERCISE_REWOUND_REASON },
    });
  }

  /**
   * The scoreboard as the viewer may see it: trainers and supervisors all of it, any time (provisional while it runs);
   * a trainee only their own score and lines, and only once the exercise has ended (EXERCISE_SCORES_NOT_YET).
   */
  async scoreboardFor(exerciseId: string, viewer: Viewer): Promise<ExerciseScoreboardDto> {
    if (!this.access.restricted(viewer.role)) return this.scoreboard(exerciseId);
    const e = await this.exercises.findExercise(exerciseId);
    if (!e) throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    await this.access.assertExercise(viewer, exerciseId);
    if (e.status === 'running')
      throw new ExerciseError('EXERCISE_SCORES_NOT_YET', 'your score is shown once the exercise has ended', {
        exerciseId,
      });
    const board = await this.scoreboard(exerciseId);
    return {
      ...board,
      trainees: board.trainees.filter((t) => t.userId === viewer.userId),
      teams: [],
      lines: board.lines.filter((l) => l.userId === viewer.userId),
    };
  }
}
