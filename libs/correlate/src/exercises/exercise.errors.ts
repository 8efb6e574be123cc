import { IocError } from '@ioc/platform';

/** Codes of trainers' recordings and exercises. */
export const EXERCISE_ERROR_CODES = [
  'RECORDING_INVALID',
  'RECORDING_NOT_FOUND',
  'RECORDING_IN_USE',
  'EXERCISE_NOT_FOUND',
  'EXERCISE_ACTIVE',
  'EXERCISE_NOT_RUNNING',
  /** The exercise's run could not be queued. */
  'QUEUE_UNAVAILABLE',
] as const;
export type ExerciseErrorCode = (typeof EXERCISE_ERROR_CODES)[number];

export class ExerciseError extends IocError<ExerciseErrorCode> {}
