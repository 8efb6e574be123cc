import type { RecordingFileErrorCode } from '@ioc/contracts';
import { IocError } from '@ioc/platform';

/** Codes of trainers' recordings and exercises. */
export const EXERCISE_ERROR_CODES = [
  'RECORDING_INVALID',
  'RECORDING_NOT_FOUND',
  'RECORDING_IN_USE',
  'EXERCISE_NOT_FOUND',
  'EXERCISE_ACTIVE',
  'EXERCISE_NOT_RUNNING',
  /** A report or review of an exercise that is still running. */
  'EXERCISE_NOT_ENDED',
  /** A seek outside the recording's window. */
  'EXERCISE_SEEK_INVALID',
  /** An inject refused: an unknown target, a time outside the window or already replayed, a silence the drill cannot notice. */
  'EXERCISE_INJECT_INVALID',
  'EXERCISE_SCRIPT_NOT_FOUND',
  /** A trainee group naming a user who does not exist, is disabled, or twice. */
  'EXERCISE_TRAINEE_INVALID',
  /** A trainee asked for their score while the exercise still runs. */
  'EXERCISE_SCORES_NOT_YET',
  /** The exercise's run could not be queued. */
  'QUEUE_UNAVAILABLE',
  /** A recording file refused (@ioc/contracts' RECORDING_FILE_ERROR_CODES): bad, another city model, too large. */
  'RECORDING_FILE_INVALID',
  'RECORDING_CITY_MISMATCH',
  'RECORDING_TOO_LARGE',
] as const;
export type ExerciseErrorCode = (typeof EXERCISE_ERROR_CODES)[number];

export class ExerciseError extends IocError<ExerciseErrorCode> {}

// Every code of a refused recording file is one of these (a new one in @ioc/contracts must be added above).
export type RecordingFileCodesAreExerciseCodes = RecordingFileErrorCode extends ExerciseErrorCode ? true : never;
const recordingFileCodesAreExerciseCodes: RecordingFileCodesAreExerciseCodes = true;
void recordingFileCodesAreExerciseCodes;
