import type { ExerciseDto } from '@ioc/contracts';
import type { IncidentRecord } from '@ioc/domain';
import { cityIso, cityLocalInput, parseCityLocal } from '../silences/silence-form';

/**
 * Exercises in the console: the recording form's rules (the server's `RecordingRequestSchema`, mirrored so a trainer
 * hears what is wrong before sending), the start form's speed, the replay's progress and which incidents belong to
 * an exercise. Pure: no I/O, no React.
 */

// The server's bounds (libs/contracts/src/rest/exercises.dto.ts). That file holds zod schemas, which have no place in
// the console's bundle, so the numbers are repeated here; exercise-model.spec.ts checks they are the server's.
export const MAX_RECORDING_MS = 7 * 24 * 3_600_000;
export const RECORDING_NAME_MIN = 3;
export const RECORDING_NAME_MAX = 120;
export const EXERCISE_SPEED_MIN = 1;
export const EXERCISE_SPEED_MAX = 3600;
/** The start form's preset speeds (1 = as it happened, 60 = an hour a minute). */
export const EXERCISE_SPEEDS = [1, 5, 10, 30, 60] as const;
/** The running exercise's speed control: the presets, faster ones, and "max" (as fast as the server goes). */
export const EXERCISE_CONTROL_SPEEDS = [1, 5, 10, 30, 60, 600, 3600, 'max'] as const;

/** What the recording form holds; times as `<input type="datetime-local">` in city time (UTC+7). */
export interface RecordingDraft {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** The last hour up to the next whole minute (so the readings of this minute are in it). */
export function emptyRecordingDraft(now: number): RecordingDraft {
  const to = Math.ceil(now / 60_000) * 60_000;
  return { name: '', from: cityLocalInput(to - 3_600_000), to: cityLocalInput(to) };
}

/** The body of `POST /api/v1/recordings` (times ISO 8601 at +07:00). */
export interface RecordingBody {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

export type RecordingFormError = 'nameShort' | 'nameLong' | 'fromMissing' | 'toMissing' | 'toBeforeFrom' | 'tooLong';

export type RecordingBuildResult =
  | { readonly ok: true; readonly body: RecordingBody }
  | { readonly ok: false; readonly errors: readonly RecordingFormError[] };

/** The request the draft makes, or every reason it cannot be sent (the server's rules, in its order). */
export function buildRecordingRequest(draft: RecordingDraft): RecordingBuildResult {
  const errors: RecordingFormError[] = [];
  const name = draft.name.trim();
  if (name.length < RECORDING_NAME_MIN) errors.push('nameShort');
  else if (name.length > RECORDING_NAME_MAX) errors.push('nameLong');
  const from = parseCityLocal(draft.from);
  const to = parseCityLocal(draft.to);
  if (Number.isNaN(from)) errors.push('fromMissing');
  if (Number.isNaN(to)) errors.push('toMissing');
  if (!Number.isNaN(from) && !Number.isNaN(to)) {
    if (to <= from) errors.push('toBeforeFrom');
    else if (to - from > MAX_RECORDING_MS) errors.push('tooLong');
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, body: { name, from: cityIso(from), to: cityIso(to) } };
}

/** The speed field's value as the server takes it (a whole number 1–3600), or undefined. */
export function parseSpeed(value: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n >= EXERCISE_SPEED_MIN && n <= EXERCISE_SPEED_MAX ? n : undefined;
}

/** The exercise the tab is about: the running one, else the most recent (the server lists newest first). */
export function currentExercise(exercises: readonly ExerciseDto[] | undefined): ExerciseDto | undefined {
  return exercises?.find((e) => e.status === 'running') ?? exercises?.[0];
}

/** The running exercises, in the server's order (newest first): several may run at once (EXERCISES_MAX_RUNNING). */
export function runningExercises(exercises: readonly ExerciseDto[] | undefined): ExerciseDto[] {
  return (exercises ?? []).filter((e) => e.status === 'running');
}

/**
 * The exercise the trainer watches (its incidents are listed): the one they chose while the server still lists it,
 * else the running (or latest) one.
 */
export function watchedExercise(
  exercises: readonly ExerciseDto[] | undefined,
  watchedId: string | undefined,
): ExerciseDto | undefined {
  return exercises?.find((e) => e.id === watchedId) ?? currentExercise(exercises);
}

/**
 * The exercise cards of the tab: every running exercise (each with its own clock, speed and controls), and the watched
 * one when it is not running (the latest, once none runs).
 */
export function exerciseCards(
  exercises: readonly ExerciseDto[] | undefined,
  watched: ExerciseDto | undefined,
): ExerciseDto[] {
  const running = runningExercises(exercises);
  return watched && watched.status !== 'running' ? [...running, watched] : running;
}

/** How far the replay is, 0–1: `replayedTo` within the recorded window (not replayed yet: 0; finished: whole). */
export function exerciseProgress(e: Pick<ExerciseDto, 'status' | 'from' | 'to' | 'replayedTo'>): number {
  if (e.status === 'finished') return 1;
  if (!e.replayedTo) return 0;
  const from = Date.parse(e.from);
  const x = (Date.parse(e.replayedTo) - from) / (Date.parse(e.to) - from);
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/**
 * The drill clock typed by a trainer to seek to (`<input type="datetime-local">`, city time) as the server takes it,
 * or undefined when it is not a time of the recording's window [from, to].
 */
export function parseSeek(value: string, e: Pick<ExerciseDto, 'from' | 'to'>): string | undefined {
  const t = parseCityLocal(value);
  if (Number.isNaN(t) || t < Date.parse(e.from) || t > Date.parse(e.to)) return undefined;
  return cityIso(t);
}

/** An exercise's incidents: exercise incidents whose keys start with its prefix (its current run's: `runPrefix`). */
export function incidentsOf<T extends Pick<IncidentRecord, 'key' | 'exercise'>>(
  incidents: readonly T[],
  keyPrefix: string | undefined,
): T[] {
  if (!keyPrefix) return [];
  return incidents.filter((i) => i.exercise && i.key.startsWith(keyPrefix));
}

/** Of two copies of one record (the list's, the detail's), the later version. */
export function newer<T extends Pick<IncidentRecord, 'id' | 'version'>>(
  a: T | undefined,
  b: T | undefined,
): T | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.version > a.version ? b : a;
}
