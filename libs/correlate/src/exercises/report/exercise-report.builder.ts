import {
  SYSTEM_ACTOR,
  type IncidentNotification,
  type IncidentRecord,
  type IncidentType,
  type StoredIncidentEvent,
} from '@ioc/domain';
import type {
  ExerciseDto,
  ExerciseReportDto,
  ExerciseReviewDto,
  ExerciseScoreboardDto,
  ReportEscalationDto,
  ReportIncidentDto,
  ReportPersonDto,
  ReportSopStepDto,
  ReportTimelineEntryDto,
  ReportTimelineKind,
  SopStepOutcome,
} from '@ioc/contracts';
import type { EscalationPolicy } from '@ioc/incidents';
import { EXERCISE_ENDED_REASON, EXERCISE_REWOUND_REASON } from '../exercise.service';

/** Everything an after-action report is made of, read by the service; `now` is when it is generated. */
export interface ExerciseReportInput {
  readonly exercise: ExerciseDto;
  /** The exercise's incidents (every run's: their keys start with its key prefix). */
  readonly incidents: readonly IncidentRecord[];
  /** Their events, any order. */
  readonly events: readonly StoredIncidentEvent[];
  readonly notifications: readonly IncidentNotification[];
  readonly policy: EscalationPolicy;
  /** Null: scores are not available. */
  readonly scoreboard: ExerciseScoreboardDto | null;
  readonly review: ExerciseReviewDto | null;
  /** The users named by the events, the exercise and the review, by id (unknown ones are left out). */
  readonly people: ReadonlyMap<string, ReportPersonDto>;
  readonly now: number;
}

/** Incident events the timeline shows (evidence is counted per incident, not drawn). */
const TIMELINE_EVENTS: ReadonlySet<string> = new Set<ReportTimelineKind>([
  'opened',
  'severity-raised',
  'acknowledged',
  'assigned',
  'commented',
  'sop-step-completed',
  'escalated',
  'resolved',
  'reopened',
  'closed',
]);

/** Events that mean someone acted (when a user did them). */
const ACTIONS: ReadonlySet<string> = new Set([
  'acknowledged',
  'assigned',
  'commented',
  'sop-step-completed',
  'resolved',
  'reopened',
  'closed',
]);

const RUN_OF_KEY = /^r(\d+)\//;
const iso = (ms: number) => new Date(ms).toISOString();

/** The run of an incident from its key (`<keyPrefix>r2/…` → 2; `<keyPrefix>…` → 0). */
export function runOfKey(keyPrefix: string, key: string): number {
  const m = RUN_OF_KEY.exec(key.slice(keyPrefix.length));
  return m ? Number(m[1]) : 0;
}

function detailOf(e: StoredIncidentEvent): ReportTimelineEntryDto['detail'] {
  switch (e.type) {
    case 'assigned':
      return { assignee: e.data.assignee };
    case 'sop-step-completed':
      return e.data.note ? { stepId: e.data.stepId, note: e.data.note } : { stepId: e.data.stepId };
    case 'resolved':
    case 'reopened':
      return { reason: e.data.reason, auto: e.data.auto };
    case 'closed':
      return { reason: e.data.reason };
    case 'severity-raised':
      return { from: e.data.from, to: e.data.to };
    case 'escalated':
      return { level: e.data.level };
    case 'commented':
      return { text: e.data.text };
    case 'opened':
      return { severity: e.data.severity };
    default:
      return {};
  }
}

/**
 * The levels (and reminders) of the escalation policy that came due while the incident waited for someone: from its
 * opening until it was acknowledged, assigned, resolved or closed, or the exercise ended. Live, each would have paged
 * its recipients; exercise incidents never page anyone, so this is what the drill would have cost.
 */
export function escalationsDue(
  incident: IncidentRecord,
  policy: EscalationPolicy,
  until: number,
): Array<{ level: number; kind: 'escalation' | 'reminder'; dueAt: number; recipients: readonly string[] }> {
  const ladder = policy.severities[incident.severity];
  if (!ladder) return [];
  const answered = Math.min(
    ...[incident.acknowledgedAt, incident.assignedAt, incident.resolvedAt, incident.closedAt, until].filter(
      (t): t is number => t !== undefined,
    ),
  );
  const due: Array<{ level: number; kind: 'escalation' | 'reminder'; dueAt: number; recipients: readonly string[] }> =
    [];
  ladder.levels.forEach((l, i) => {
    const dueAt = incident.openedAt + l.afterMs;
    if (dueAt < answered) due.push({ level: i + 1, kind: 'escalation', dueAt, recipients: l.notify });
  });
  const r = ladder.reminders;
  if (r && due.length === ladder.levels.length) {
    const anchor = incident.openedAt + (ladder.levels.length ? ladder.levels[ladder.levels.length - 1].afterMs : 0);
    for (let k = 1; k <= r.max; k++) {
      const dueAt = anchor + k * r.everyMs;
      if (dueAt >= answered) break;
      due.push({ level: ladder.levels.length + k, kind: 'reminder', dueAt, recipients: r.notify });
    }
  }
  return due;
}

function sopStepsOf(incident: IncidentRecord, end: number): ReportSopStepDto[] {
  if (!incident.sop) return [];
  return incident.sop.steps.map((step) => {
    const done = incident.sopDone.find((d) => d.stepId === step.id);
    const dueAt = incident.openedAt + step.dueWithinMin * 60_000;
    const outcome: SopStepOutcome = done
      ? done.at <= dueAt
        ? 'in-time'
        : 'late'
      : dueAt <= end
        ? 'missed'
        : 'not-due';
    return {
      id: step.id,
      text: step.text,
      owner: step.owner,
      dueWithinMin: step.dueWithinMin,
      dueAt: iso(dueAt),
      doneAt: done ? iso(done.at) : null,
      doneBy: done?.by ?? null,
      outcome,
    };
  });
}

const byTimeThenSeq = (a: ReportTimelineEntryDto, b: ReportTimelineEntryDto) =>
  a.offsetMs - b.offsetMs || (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER);

/**
 * The after-action report of an ended exercise: pure, from what the service read. Times on the report's axis are
 * offsets from the exercise's start (its wall clock, the clock the trainees worked on).
 */
export function buildExerciseReport(input: ExerciseReportInput): ExerciseReportDto {
  const { exercise, policy } = input;
  const startedAt = Date.parse(exercise.startedAt);
  const endedAt = exercise.endedAt ? Date.parse(exercise.endedAt) : input.now;
  const offset = (t: number) => t - startedAt;
  const eventsByIncident = new Map<string, StoredIncidentEvent[]>();
  for (const e of [...input.events].sort((a, b) => a.seq - b.seq)) {
    const list = eventsByIncident.get(e.incidentId) ?? [];
    list.push(e);
    eventsByIncident.set(e.incidentId, list);
  }
  const incidents = [...input.incidents].sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  const timeline: ReportTimelineEntryDto[] = [];
  const escalations: ReportEscalationDto[] = [];
  const reports: ReportIncidentDto[] = [];

  for (const incident of incidents) {
    const events = eventsByIncident.get(incident.id) ?? [];
    for (const e of events) {
      if (!TIMELINE_EVENTS.has(e.type)) continue;
      timeline.push({
        at: iso(e.at),
        offsetMs: offset(e.at),
        kind: e.type as ReportTimelineKind,
        incidentId: incident.id,
        incidentType: incident.type,
        actor: e.actor,
        trainee: e.actor !== SYSTEM_ACTOR,
        seq: e.seq,
        detail: detailOf(e),
      });
    }
    // The system's resolution when the drill ended (or a rewind replaced the run), not the engine's all-clear.
    const endedWithExercise =
      incident.resolvedBy === SYSTEM_ACTOR &&
      (incident.resolution === EXERCISE_ENDED_REASON || incident.resolution === EXERCISE_REWOUND_REASON);
    const end = incident.resolvedAt ?? incident.closedAt ?? endedAt;
    const recordedLevels = new Set([
      ...events.flatMap((e) => (e.type === 'escalated' ? [e.data.level] : [])),
      ...input.notifications.filter((n) => n.incidentId === incident.id).map((n) => n.level),
    ]);
    for (const due of escalationsDue(incident, policy, endedAt)) {
      const recorded = recordedLevels.has(due.level);
      escalations.push({
        incidentId: incident.id,
        incidentType: incident.type,
        level: due.level,
        kind: due.kind,
        recipients: due.recipients,
        dueAt: iso(due.dueAt),
        offsetMs: offset(due.dueAt),
        recorded,
      });
      // A recorded escalation is on the timeline already (its `escalated` event).
      if (!recorded || !events.some((e) => e.type === 'escalated' && e.data.level === due.level))
        timeline.push({
          at: iso(due.dueAt),
          offsetMs: offset(due.dueAt),
          kind: 'escalation-due',
          incidentId: incident.id,
          incidentType: incident.type,
          actor: SYSTEM_ACTOR,
          trainee: false,
          seq: null,
          detail: { level: due.level, kind: due.kind, recipients: due.recipients },
        });
    }
    const steps = sopStepsOf(incident, end);
    reports.push({
      id: incident.id,
      key: incident.key,
      type: incident.type,
      zone: incident.zone,
      severity: incident.severity,
      title: incident.title,
      run: runOfKey(exercise.keyPrefix, incident.key),
      openedAt: iso(incident.openedAt),
      openedOffsetMs: offset(incident.openedAt),
      acknowledgedAt: incident.acknowledgedAt === undefined ? null : iso(incident.acknowledgedAt),
      acknowledgedBy: incident.acknowledgedBy ?? null,
      timeToAcknowledgeMs: incident.acknowledgedAt === undefined ? null : incident.acknowledgedAt - incident.openedAt,
      assignee: incident.assignee ?? null,
      resolvedAt: incident.resolvedAt === undefined ? null : iso(incident.resolvedAt),
      resolvedBy: incident.resolvedBy ?? null,
      resolution: incident.resolution ?? null,
      endedWithExercise,
      endOffsetMs: offset(Math.min(end, endedAt)),
      evidenceCount: incident.evidenceCount,
      actions: events.filter((e) => ACTIONS.has(e.type) && e.actor !== SYSTEM_ACTOR).length,
      sop: incident.sop
        ? { id: incident.sop.id, version: incident.sop.version, title: incident.sop.title, steps }
        : null,
    });
  }
  timeline.sort(byTimeThenSeq);
  escalations.sort((a, b) => a.offsetMs - b.offsetMs || a.incidentId.localeCompare(b.incidentId) || a.level - b.level);

  const byType: Partial<Record<IncidentType, number>> = {};
  for (const i of reports) byType[i.type] = (byType[i.type] ?? 0) + 1;
  const acknowledged = reports.filter((i) => i.timeToAcknowledgeMs !== null);
  const steps = reports.flatMap((i) => i.sop?.steps ?? []);
  const count = (o: SopStepOutcome) => steps.filter((s) => s.outcome === o).length;

  const named = new Set<string>([exercise.startedBy]);
  if (exercise.endedBy) named.add(exercise.endedBy);
  if (input.review) named.add(input.review.updatedBy);
  for (const e of timeline) {
    named.add(e.actor);
    if (typeof e.detail.assignee === 'string') named.add(e.detail.assignee);
  }
  const people: Record<string, ReportPersonDto> = {};
  for (const id of [...named].sort()) {
    const p = input.people.get(id);
    if (p) people[id] = p;
  }

  return {
    format: 'ioc-exercise-report',
    version: 1,
    exerciseId: exercise.id,
    generatedAt: iso(input.now),
    scenario: {
      recordingId: exercise.recordingId,
      recordingName: exercise.recordingName,
      window: { from: exercise.from, to: exercise.to },
      speed: exercise.speed,
      status: exercise.status,
      keyPrefix: exercise.keyPrefix,
      runs: exercise.run + 1,
      startedBy: exercise.startedBy,
      startedAt: exercise.startedAt,
      endedAt: exercise.endedAt,
      endedBy: exercise.endedBy,
      durationMs: endedAt - startedAt,
      signalsApplied: exercise.signalsApplied,
      error: exercise.error,
    },
    summary: {
      incidents: reports.length,
      byType,
      acknowledged: acknowledged.length,
      resolvedByTrainees: reports.filter((i) => i.resolvedBy !== null && i.resolvedBy !== SYSTEM_ACTOR).length,
      endedWithExercise: reports.filter((i) => i.endedWithExercise).length,
      traineeActions: reports.reduce((n, i) => n + i.actions, 0),
      meanTimeToAcknowledgeMs: acknowledged.length
        ? Math.round(acknowledged.reduce((n, i) => n + (i.timeToAcknowledgeMs ?? 0), 0) / acknowledged.length)
        : null,
      sopSteps: {
        total: steps.length,
        'in-time': count('in-time'),
        late: count('late'),
        missed: count('missed'),
        'not-due': count('not-due'),
      },
      escalations: escalations.length,
    },
    timeline,
    incidents: reports,
    escalations,
    scores: input.scoreboard,
    review: input.review,
    people,
  };
}
