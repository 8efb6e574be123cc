import { z } from 'zod';
import { isoTime } from './common.dto';

/** A recording holds at most this much history: a drill is hours of a notable day, not the archive. */
export const MAX_RECORDING_MS = 7 * 24 * 3_600_000;
/** And at most this many stored messages and field reports (they are copied, and an exercise holds a page of the messages at a time). */
export const MAX_RECORDING_MESSAGES = 2_000_000;
/**
 * Replay speeds a trainer may choose: 1 = as it happened, 60 = an hour a minute, 3600 = an hour a second; or
 * `"max"`: as fast as the machine goes (an analysis run), stored as 0.
 */
export const EXERCISE_SPEED_MIN = 1;
export const EXERCISE_SPEED_MAX = 3600;
export const EXERCISE_SPEED_FASTEST = 'max';
/** A speed as the API takes and gives it: event time per wall time, or `"max"`. */
export const ExerciseSpeedSchema = z.union([
  z.number().int().min(EXERCISE_SPEED_MIN).max(EXERCISE_SPEED_MAX),
  z.literal(EXERCISE_SPEED_FASTEST),
]);
export type ExerciseSpeed = z.infer<typeof ExerciseSpeedSchema>;
/** The speed stored (0: as fast as the machine goes) as the API gives it, and back. */
export const exerciseSpeedOut = (stored: number): ExerciseSpeed => (stored === 0 ? EXERCISE_SPEED_FASTEST : stored);
export const exerciseSpeedIn = (speed: ExerciseSpeed): number => (speed === EXERCISE_SPEED_FASTEST ? 0 : speed);
/** The key prefix of an exercise's current run: each backward seek starts a run of its own (`exercise-1a2b3c4d/r1/`). */
export const exerciseRunPrefix = (keyPrefix: string, run: number): string =>
  run === 0 ? keyPrefix : `${keyPrefix}r${run}/`;
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

/**
 * POST /api/v1/exercises: replay a recording through the correlation engine as exercise incidents, or a script (a
 * recording and its planned injects): exactly one of `recordingId` and `scriptId`.
 */
export const ExerciseRequestSchema = z
  .object({
    recordingId: z.uuid().optional(),
    scriptId: z.uuid().optional(),
    /** Event time per wall-clock time: 1 = as it happened; "max" as fast as the machine goes. */
    speed: ExerciseSpeedSchema.default(1),
  })
  .strict()
  .refine((r) => (r.recordingId === undefined) !== (r.scriptId === undefined), {
    message: 'give either a recordingId or a scriptId',
    path: ['recordingId'],
  });
export type ExerciseRequest = z.infer<typeof ExerciseRequestSchema>;

/** POST /api/v1/exercises/:id/speed. */
export const ExerciseSpeedRequestSchema = z.object({ speed: ExerciseSpeedSchema }).strict();
export type ExerciseSpeedRequest = z.infer<typeof ExerciseSpeedRequestSchema>;

/** POST /api/v1/exercises/:id/seek: a time of the recording's window, [from, to] (checked against the exercise). */
export const ExerciseSeekRequestSchema = z.object({ to: isoTime }).strict();
export type ExerciseSeekRequest = z.infer<typeof ExerciseSeekRequestSchema>;

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
  /** Event time per wall time, or "max" (as fast as the machine goes). */
  readonly speed: ExerciseSpeed;
  readonly status: ExerciseStatus;
  /** Paused by a trainer: the drill clock stands still (only while running). */
  readonly paused: boolean;
  /** The drill clock: where in the recording's own time the exercise is now (its end once it is over). */
  readonly drillTime: string;
  /** Backward seeks so far: each restarts the replay as a new run, under `runPrefix`. */
  readonly run: number;
  /** The current run's incidents' keys start with this (`keyPrefix` itself for run 0, then `keyPrefix` + `r1/`…). */
  readonly runPrefix: string;
  /** Exercise incidents' keys start with this (`exercise-1a2b3c4d/`), then the live key (`bin-fire:ward-p10`). */
  readonly keyPrefix: string;
  readonly startedBy: string;
  readonly startedByName: string | null;
  readonly startedAt: string;
  /** When the replay will have reached the recording's end (wall clock) at its speed; null while paused or at "max". */
  readonly endsAt: string | null;
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
