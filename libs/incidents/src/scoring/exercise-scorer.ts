/**
 * The score of an exercise (issue 19): the scoring rules (seeds/scoring.yaml) applied to the exercise's incidents and
 * their events. Pure: no I/O, time passed in; every line says the incident event (seq) of the action that made it, or
 * the deadline that was missed. The rules' file explains whose each line is.
 */
import type {
  ExerciseScoreboardDto,
  ScoreCriterion,
  ScoreFacts,
  ScoreLineDto,
  ScoreOutcome,
  TeamScoreDto,
  TraineeScoreDto,
} from '@ioc/contracts';
import { formatScoreDuration, SCORE_CRITERIA, scoreReason } from '@ioc/contracts';
import {
  SYSTEM_ACTOR,
  type AttachedSop,
  type IncidentState,
  type IncidentType,
  type StoredIncidentEvent,
} from '@ioc/domain';
import { escalationsWouldFire, type EscalationPolicy } from '../escalation/escalation-policy';
import type { ScoringRules } from './scoring-rules';

export interface ScoredTrainee {
  readonly userId: string;
  readonly displayName: string;
  readonly team: string;
}

/** What the scorer needs of an incident: its record's fixed fields and every event of it. */
export interface ScoredIncident {
  readonly id: string;
  readonly type: IncidentType;
  readonly openedAt: number;
  readonly state: IncidentState;
  readonly sop?: AttachedSop;
  /** Every event of the incident, any order (sorted by seq here). */
  readonly events: readonly StoredIncidentEvent[];
}

export interface ScoringInput {
  readonly exerciseId: string;
  readonly rules: ScoringRules;
  /**
   * The escalation policy (seeds/escalation.yaml). Exercise incidents never page anyone (the escalation timers skip
   * them), so the levels they would have fired are worked out here from it.
   */
  readonly escalation: EscalationPolicy;
  readonly trainees: readonly ScoredTrainee[];
  readonly incidents: readonly ScoredIncident[];
  /** When the exercise ended; null while it runs (the score is provisional: deadlines count up to `now`). */
  readonly endedAt: number | null;
  /** Wall clock of the computation (epoch ms). */
  readonly now: number;
  /**
   * The resolution reasons the exercise itself writes: `ended` when it winds up (the incident was left open), `rewound`
   * when a backward seek starts a new run (the trainer's doing, not the trainees').
   */
  readonly reasons: { readonly ended: string; readonly rewound: string };
}

/** The team of trainees given none, and of the lines of an exercise without trainees. */
export const DEFAULT_TEAM = 'default';

/** Owners of SOP steps done in the control room: never the assignee expected. */
const CONTROL_ROOM = new Set(['operator', 'supervisor']);
const ACTIVE: ReadonlySet<IncidentState> = new Set(['open', 'acknowledged', 'assigned']);

/** "2 min 10 s", "45 s", "3 min": as the lines' English reasons say it. */
export function formatDuration(ms: number): string {
  return formatScoreDuration(ms, 'en');
}

/** What a line says: its outcome, the figures of it, and the English sentence of both (one formatter, no drift). */
type Said = Pick<ScoreLineDto, 'outcome' | 'facts' | 'reason'>;
const said = (outcome: ScoreOutcome, facts: ScoreFacts = {}): Said => ({
  outcome,
  facts,
  reason: scoreReason({ outcome, facts }, 'en'),
});

/** The assignee the rules expect for an incident: listed for its type, or its SOP's first field owner; none otherwise. */
export function expectedAssignee(rules: ScoringRules, type: IncidentType, sop: AttachedSop | undefined) {
  return rules.assignment.expected[type] ?? sop?.steps.find((s) => !CONTROL_ROOM.has(s.owner))?.owner;
}

/** Whether an incident is a false alarm: a piece of its evidence matches the rules' marker (a false-detection inject's). */
export function isFalseAlarm(rules: ScoringRules, events: readonly StoredIncidentEvent[]): boolean {
  const { field, matches } = rules.falseAlarm.marker;
  const marker = new RegExp(matches);
  return events.some(
    (e) =>
      (e.type === 'opened' || e.type === 'evidence-added') &&
      e.data.evidence.some((x) => {
        const v = (x as unknown as Record<string, unknown>)[field];
        return typeof v === 'string' && marker.test(v);
      }),
  );
}

/** Whether a resolution note says "false alarm": it starts with one of the rules' reasons, in any case. */
export function saysFalseAlarm(rules: ScoringRules, note: string): boolean {
  const n = note.trim().toLocaleLowerCase('vi');
  return rules.falseAlarm.reasons.some((r) => n.startsWith(r.toLocaleLowerCase('vi')));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Scores an exercise: its lines, and per trainee and per team the sum of them. */
export function scoreExercise(input: ScoringInput): ExerciseScoreboardDto {
  const { rules } = input;
  const trainees = new Map(input.trainees.map((t) => [t.userId, t]));
  const teams = [...new Set(input.trainees.map((t) => t.team))].sort();
  if (teams.length === 0) teams.push(DEFAULT_TEAM);
  const horizon = input.endedAt ?? input.now;
  const lines: ScoreLineDto[] = [];

  for (const incident of input.incidents) {
    const events = [...incident.events].sort((a, b) => a.seq - b.seq);
    const isTrainee = (actor: string) => trainees.has(actor);
    const ack = events.find((e) => e.type === 'acknowledged');
    const owner =
      ack && isTrainee(ack.actor)
        ? ack.actor
        : events.find((e) => e.actor !== SYSTEM_ACTOR && isTrainee(e.actor))?.actor;
    const base = { incidentId: incident.id, incidentType: incident.type };

    const byAction = (criterion: ScoreCriterion, points: number, e: StoredIncidentEvent, what: Said) =>
      lines.push({
        ...base,
        criterion,
        points,
        userId: e.actor,
        team: trainees.get(e.actor)!.team,
        ...what,
        source: { kind: 'action', eventSeq: e.seq, at: iso(e.at) },
      });
    /** A line no trainee's action made: the owner's, or every team's when nobody took the incident. */
    const toOwner = (
      criterion: ScoreCriterion,
      points: number,
      what: Said,
      source: ScoreLineDto['source'],
      teamOnly = false,
    ) => {
      if (owner) {
        const team = trainees.get(owner)!.team;
        lines.push({ ...base, criterion, points, userId: teamOnly ? null : owner, team, ...what, source });
      } else {
        for (const team of teams) lines.push({ ...base, criterion, points, userId: null, team, ...what, source });
      }
    };
    const missed = (at: number) => ({ kind: 'deadline' as const, deadline: iso(at), at: iso(at) });

    // Until when the incident needed work: its last resolution (unless reopened since), or the horizon.
    let resolved: StoredIncidentEvent | undefined;
    for (const e of events) {
      if (e.type === 'resolved') resolved = e;
      else if (e.type === 'reopened') resolved = undefined;
    }
    const activeUntil = resolved ? Math.min(resolved.at, horizon) : horizon;
    const sinceOpening = (at: number) => at - incident.openedAt;

    // Acknowledge against the SOP's first deadline.
    const steps = incident.sop?.steps ?? [];
    if (steps.length > 0) {
      const firstMin = Math.min(...steps.map((s) => s.dueWithinMin));
      const deadline = incident.openedAt + firstMin * 60_000;
      if (ack) {
        if (isTrainee(ack.actor)) {
          const inTime = ack.at <= deadline;
          byAction(
            'acknowledge-time',
            inTime ? rules.acknowledge.inTime : rules.acknowledge.late,
            ack,
            said(inTime ? 'acknowledged-in-time' : 'acknowledged-late', {
              tookMs: sinceOpening(ack.at),
              deadlineMin: firstMin,
            }),
          );
        }
      } else if (deadline <= activeUntil) {
        toOwner(
          'acknowledge-time',
          rules.acknowledge.missed,
          said('not-acknowledged', { deadlineMin: firstMin }),
          missed(deadline),
        );
      }
    }

    // Each SOP step against its deadline.
    for (const step of steps) {
      const dueAt = incident.openedAt + step.dueWithinMin * 60_000;
      const done = events.find((e) => e.type === 'sop-step-completed' && e.data.stepId === step.id);
      if (done) {
        if (!isTrainee(done.actor)) continue;
        const inTime = done.at <= dueAt;
        byAction(
          'sop-step',
          inTime ? rules.sopSteps.inTime : rules.sopSteps.late,
          done,
          said(inTime ? 'step-in-time' : 'step-late', {
            stepId: step.id,
            tookMs: sinceOpening(done.at),
            deadlineMin: step.dueWithinMin,
          }),
        );
      } else if (dueAt <= activeUntil) {
        toOwner(
          'sop-step',
          rules.sopSteps.missed,
          said('step-missed', { stepId: step.id, deadlineMin: step.dueWithinMin }),
          missed(dueAt),
        );
      }
    }

    // The first assignment, against the assignee expected.
    const expected = expectedAssignee(rules, incident.type, incident.sop);
    const assigned = events.find((e) => e.type === 'assigned');
    if (expected !== undefined && assigned?.type === 'assigned' && isTrainee(assigned.actor)) {
      const correct = assigned.data.assignee === expected;
      byAction(
        'assignment',
        correct ? rules.assignment.correct : rules.assignment.wrong,
        assigned,
        said(correct ? 'assigned-as-expected' : 'assigned-otherwise', { assignee: assigned.data.assignee, expected }),
      );
    }

    // Escalations the policy would have fired before anyone answered (each level and reminder once).
    for (const step of escalationsWouldFire(input.escalation, incident.openedAt, events, activeUntil))
      toOwner(
        'escalation',
        rules.escalation.perLevel,
        said(step.kind === 'reminder' ? 'reminder-due' : 'escalation-due', {
          level: step.level,
          recipients: step.recipients,
          tookMs: sinceOpening(step.dueAt),
        }),
        missed(step.dueAt),
      );

    // False alarms: resolved by a trainee with the right reason, or a real incident dismissed as one.
    const falseAlarm = isFalseAlarm(rules, events);
    const resolution = events.find((e) => e.type === 'resolved' && isTrainee(e.actor));
    if (resolution?.type === 'resolved') {
      const says = saysFalseAlarm(rules, resolution.data.reason);
      if (falseAlarm)
        byAction(
          'false-alarm',
          says ? rules.falseAlarm.correct : rules.falseAlarm.wrongReason,
          resolution,
          says ? said('false-alarm-recognised') : said('false-alarm-other-reason', { note: resolution.data.reason }),
        );
      else if (says)
        byAction('false-alarm', rules.falseAlarm.dismissedReal, resolution, said('real-incident-dismissed'));
    }

    // Left open when the exercise ended (the exercise's wind-up resolved it, or it is still active).
    if (input.endedAt !== null) {
      const woundUp =
        resolved?.type === 'resolved' &&
        resolved.actor === SYSTEM_ACTOR &&
        resolved.data.reason === input.reasons.ended;
      const rewound =
        resolved?.type === 'resolved' &&
        resolved.actor === SYSTEM_ACTOR &&
        resolved.data.reason === input.reasons.rewound;
      if (!rewound && (woundUp || (!resolved && ACTIVE.has(incident.state))))
        toOwner(
          'left-open',
          rules.leftOpen.perIncident,
          said('left-open'),
          missed(woundUp ? Math.min(resolved!.at, input.endedAt) : input.endedAt),
          true,
        );
    }
  }

  const at = (l: ScoreLineDto) => Date.parse(l.source.at);
  lines.sort(
    (a, b) =>
      at(a) - at(b) ||
      a.incidentId.localeCompare(b.incidentId) ||
      SCORE_CRITERIA.indexOf(a.criterion) - SCORE_CRITERIA.indexOf(b.criterion) ||
      a.team.localeCompare(b.team) ||
      (a.userId ?? '').localeCompare(b.userId ?? ''),
  );

  const sum = (pick: (l: ScoreLineDto) => boolean) => lines.filter(pick).reduce((n, l) => n + l.points, 0);
  const traineeScores: TraineeScoreDto[] = input.trainees
    .map((t) => ({ ...t, points: sum((l) => l.userId === t.userId) }))
    .sort(
      (a, b) => b.points - a.points || a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId),
    );
  const teamScores: TeamScoreDto[] = teams
    .map((team) => ({
      team,
      points: sum((l) => l.team === team),
      members: input.trainees.filter((t) => t.team === team).map((t) => t.userId),
    }))
    .sort((a, b) => b.points - a.points || a.team.localeCompare(b.team));

  return {
    exerciseId: input.exerciseId,
    rules: { id: rules.id, version: rules.version },
    provisional: input.endedAt === null,
    trainees: traineeScores,
    teams: teamScores,
    lines,
    computedAt: iso(input.now),
  };
}
