import { z } from 'zod';
import type { BilingualText, IncidentType, Severity, SopOwnerRole, ZoneKind } from '@ioc/domain';
import type { ExerciseSpeed, ExerciseStatus } from './exercises.dto';
import type { ExerciseScoreboardDto } from './exercise-scoring.dto';
import { EXERCISE_REVIEW_TEXT_MAX, REPORT_LANGUAGES, type ReportLanguage } from '../exercise-report-limits';

/**
 * The after-action report of an exercise (issue 19), modelled on HSEEP's after-action report / improvement plan: the
 * scenario, a timeline of incidents and trainee actions on one axis, SOP compliance, escalations, scores and the
 * trainer's review. The JSON is language-independent (codes, ids, times and numbers); the HTML page and the PDF
 * localise it (vi, en).
 */

export { EXERCISE_REVIEW_TEXT_MAX, REPORT_LANGUAGES, type ReportLanguage };

/** GET /api/v1/exercises/:id/report.html and report.pdf: `?lang=vi|en` (Vietnamese by default). */
export const ExerciseReportQuerySchema = z.object({ lang: z.enum(REPORT_LANGUAGES).default('vi') }).strict();
export type ExerciseReportQuery = z.infer<typeof ExerciseReportQuerySchema>;

/** PUT /api/v1/exercises/:id/review: the trainer's notes, once the exercise has ended (both replaced). */
export const ExerciseReviewRequestSchema = z
  .object({
    wentWell: z.string().trim().max(EXERCISE_REVIEW_TEXT_MAX),
    toImprove: z.string().trim().max(EXERCISE_REVIEW_TEXT_MAX),
  })
  .strict();
export type ExerciseReviewRequest = z.infer<typeof ExerciseReviewRequestSchema>;

export interface ExerciseReviewDto {
  readonly exerciseId: string;
  readonly wentWell: string;
  readonly toImprove: string;
  readonly updatedBy: string;
  readonly updatedByName: string | null;
  readonly updatedAt: string;
}

/** A user named in the report (an actor, the trainer). */
export interface ReportPersonDto {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
}

/** What happened at a point of the timeline. `escalation-due`: the escalation policy's level came due (see below). */
export const REPORT_TIMELINE_KINDS = [
  'opened',
  'severity-raised',
  'acknowledged',
  'assigned',
  'commented',
  'sop-step-completed',
  'escalated',
  'escalation-due',
  'resolved',
  'reopened',
  'closed',
] as const;
export type ReportTimelineKind = (typeof REPORT_TIMELINE_KINDS)[number];

export interface ReportTimelineEntryDto {
  /** Wall time (the exercise's clock: when the trainees saw it). */
  readonly at: string;
  /** Milliseconds since the exercise started: the drill's time axis (T+). */
  readonly offsetMs: number;
  readonly kind: ReportTimelineKind;
  readonly incidentId: string;
  readonly incidentType: IncidentType;
  /** A user id, or `system` (the engine, timers, the exercise's end). */
  readonly actor: string;
  /** A user's action (a trainee's, or anyone's but the system's). */
  readonly trainee: boolean;
  /** The event's seq in the incident log (null for an escalation that came due but was not recorded). */
  readonly seq: number | null;
  /** Per kind: `assignee`, `stepId`, `reason`, `auto`, `from`/`to` (severity), `level`/`recipients` (escalation), `text`. */
  readonly detail: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/**
 * A step of an incident's SOP: `in-time` done by its deadline, `late` done after it, `missed` not done though the
 * deadline passed while the incident was still open, `not-due` not done and the incident ended before its deadline.
 */
export const SOP_STEP_OUTCOMES = ['in-time', 'late', 'missed', 'not-due'] as const;
export type SopStepOutcome = (typeof SOP_STEP_OUTCOMES)[number];

export interface ReportSopStepDto {
  readonly id: string;
  readonly text: BilingualText;
  readonly owner: SopOwnerRole;
  readonly dueWithinMin: number;
  readonly dueAt: string;
  readonly doneAt: string | null;
  readonly doneBy: string | null;
  readonly outcome: SopStepOutcome;
}

export interface ReportIncidentDto {
  readonly id: string;
  readonly key: string;
  readonly type: IncidentType;
  readonly zone: { readonly kind: ZoneKind; readonly id: string };
  readonly severity: Severity;
  readonly title: BilingualText;
  /** The exercise run it belongs to (0, then 1… after backward seeks). */
  readonly run: number;
  readonly openedAt: string;
  readonly openedOffsetMs: number;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  /** From opening to the acknowledgement; null when nobody acknowledged it. */
  readonly timeToAcknowledgeMs: number | null;
  readonly assignee: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
  /** Ended by the system when the exercise ended, or when a rewind replaced its run (not by a trainee). */
  readonly endedWithExercise: boolean;
  /** When it stopped being active (resolved or closed), or the exercise's end: its bar on the chart. */
  readonly endOffsetMs: number;
  readonly evidenceCount: number;
  /** Actions on it by users. */
  readonly actions: number;
  readonly sop: {
    readonly id: string;
    readonly version: number;
    readonly title: BilingualText;
    readonly steps: readonly ReportSopStepDto[];
  } | null;
}

/**
 * An escalation of an incident: the escalation policy's (seeds/escalation.yaml) level or reminder that came due while
 * nobody had acknowledged it. Exercise incidents never page anyone, so most are `recorded: false`: what would have
 * happened live.
 */
export interface ReportEscalationDto {
  readonly incidentId: string;
  readonly incidentType: IncidentType;
  readonly level: number;
  readonly kind: 'escalation' | 'reminder';
  readonly recipients: readonly string[];
  readonly dueAt: string;
  readonly offsetMs: number;
  /** An `escalated` event or a notification exists for it. */
  readonly recorded: boolean;
}

export interface ReportSummaryDto {
  readonly incidents: number;
  readonly byType: Readonly<Partial<Record<IncidentType, number>>>;
  readonly acknowledged: number;
  readonly resolvedByTrainees: number;
  readonly endedWithExercise: number;
  readonly traineeActions: number;
  readonly meanTimeToAcknowledgeMs: number | null;
  readonly sopSteps: Readonly<Record<SopStepOutcome | 'total', number>>;
  readonly escalations: number;
}

/** GET /api/v1/exercises/:id/report (409 EXERCISE_NOT_ENDED while it runs). */
export interface ExerciseReportDto {
  readonly format: 'ioc-exercise-report';
  readonly version: 1;
  readonly exerciseId: string;
  readonly generatedAt: string;
  readonly scenario: {
    readonly recordingId: string | null;
    readonly recordingName: string;
    /** The recorded window replayed, [from, to). */
    readonly window: { readonly from: string; readonly to: string };
    readonly speed: ExerciseSpeed;
    readonly status: ExerciseStatus;
    readonly keyPrefix: string;
    /** Runs (1 + backward seeks). */
    readonly runs: number;
    readonly startedBy: string;
    readonly startedAt: string;
    readonly endedAt: string | null;
    readonly endedBy: string | null;
    readonly durationMs: number;
    readonly signalsApplied: number;
    readonly error: string | null;
  };
  readonly summary: ReportSummaryDto;
  /** Oldest first: every incident's lifecycle and every user's action, and escalations coming due. */
  readonly timeline: readonly ReportTimelineEntryDto[];
  readonly incidents: readonly ReportIncidentDto[];
  readonly escalations: readonly ReportEscalationDto[];
  /** The scoreboard (null: scores are not available). */
  readonly scores: ExerciseScoreboardDto | null;
  readonly review: ExerciseReviewDto | null;
  /** The users the report names, by id. */
  readonly people: Readonly<Record<string, ReportPersonDto>>;
}
