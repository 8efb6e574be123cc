import { z } from 'zod';
import { isoTime } from './common.dto';

/** A recording holds at most this much history: a drill is hours of a notable day, not the archive. */
export const MAX_RECORDING_MS = 7 * 24 * 3_600_000;
/** And at most this many stored messages and field reports (they are copied, and an exercise holds a page of the messages at a time). */
export const MAX_RECORDING_MESSAGES = 2_000_000;
/** Replay speeds a trainer may choose: 1 = as it happened, 60 = an hour a minute. */
export const EXERCISE_SPEED_MIN = 1;
export const EXERCISE_SPEED_MAX = 60;
/** Exercise incidents' keys start with this and the exercise's short id, so each drill has its own incidents. */
export const EXERCISE_KEY_PREFIX = 'exercise-';

/** POST /api/v1/recordings: keep the readings of [from, to) for exercises (they outlive raw-data retention). */
export const RecordingRequestSchema = z
  .object({
    name: z.string().trim().min(3).max(120),
    from: isoTime,
    to: isoTime,
  })
  .strict()
  // zod runs these even when a field already failed: only compare times that parsed.
  .refine((r) => !(r.from instanceof Date && r.to instanceof Date) || r.to > r.from, {
    message: 'to must be after from',
    path: ['to'],
  })
  .refine(
    (r) => !(r.from instanceof Date && r.to instanceof Date) || r.to.getTime() - r.from.getTime() <= MAX_RECORDING_MS,
    {
      message: 'a recording spans at most 7 days',
      path: ['to'],
    },
  );
export type RecordingRequest = z.infer<typeof RecordingRequestSchema>;

export interface RecordingDto {
  readonly id: string;
  readonly name: string;
  /** The recorded window of event time, [from, to). */
  readonly from: string;
  readonly to: string;
  /** Stored device messages copied into the recording. */
  readonly messages: number;
  /** Field reports of the window copied into the recording (evidence, replayed with the messages). */
  readonly reports: number;
  readonly createdBy: string;
  readonly createdByName: string | null;
  readonly createdAt: string;
}

/** POST /api/v1/exercises: replay a recording through the correlation engine as exercise incidents. */
export const ExerciseRequestSchema = z
  .object({
    recordingId: z.uuid(),
    /** Event time per wall-clock time: 1 = as it happened. */
    speed: z.number().int().min(EXERCISE_SPEED_MIN).max(EXERCISE_SPEED_MAX).default(1),
  })
  .strict();
export type ExerciseRequest = z.infer<typeof ExerciseRequestSchema>;

export const EXERCISE_STATUSES = ['running', 'finished', 'stopped', 'failed'] as const;
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];

export interface ExerciseDto {
  readonly id: string;
  /** Null once the recording is deleted (its name and window stay). */
  readonly recordingId: string | null;
  readonly recordingName: string;
  /** The recorded window replayed, [from, to), in the recording's own time (kept when the recording is deleted). */
  readonly from: string;
  readonly to: string;
  readonly speed: number;
  readonly status: ExerciseStatus;
  /** Exercise incidents' keys start with this (`exercise-1a2b3c4d/`), then the live key (`bin-fire:ward-p10`). */
  readonly keyPrefix: string;
  readonly startedBy: string;
  readonly startedByName: string | null;
  readonly startedAt: string;
  /** When the replay will have reached the recording's end (wall clock), at the chosen speed. */
  readonly endsAt: string;
  /** How far into the recording the replay has got, in the recording's own time (null: not started yet). */
  readonly replayedTo: string | null;
  /** Engine decisions applied as exercise incidents (raises, updates, clears). */
  readonly signalsApplied: number;
  readonly endedAt: string | null;
  /** Who stopped it (null when it finished by itself or failed). */
  readonly endedBy: string | null;
  readonly endedByName: string | null;
  readonly error: string | null;
}
