import { z } from 'zod';
import { FALSE_DETECTION_TYPES, type ExerciseInject, type ExerciseInjectKind } from '@ioc/domain';
import { isoTime } from './common.dto';
import { FIELD_REPORT_CATEGORIES } from './field-reports.dto';

/** A fault lasts at most a day (a recording spans at most a week; the drill is hours of it). */
export const INJECT_MAX_DURATION_MIN = 24 * 60;
/** A false positive is at most this many detections (a minute apart). */
export const FALSE_DETECTION_MAX_COUNT = 20;
/** A script plans at most this many injects. */
export const SCRIPT_MAX_INJECTS = 200;

const id = z.string().trim().min(1).max(64);
const durationMin = z.number().int().min(1).max(INJECT_MAX_DURATION_MIN).optional();
/** When the inject happens, in the recording's own time (the drill clock); absent: now on the exercise's clock. */
const at = isoTime.optional();

/** Every kind of inject, with its `at`; `ExerciseInjectSchema` is the same without it. */
const kinds = {
  'sensor-stuck': { deviceId: id, durationMin },
  'sensor-drift': { deviceId: id, ratePerH: z.number().min(0.5).max(100).default(6), durationMin },
  'camera-dark': { deviceId: id, durationMin },
  'camera-tampered': { deviceId: id, durationMin },
  'false-detection': {
    deviceId: id,
    eventType: z.enum(FALSE_DETECTION_TYPES).default('illegal_dumping'),
    count: z.number().int().min(1).max(FALSE_DETECTION_MAX_COUNT).default(3),
  },
  'field-report': {
    category: z.enum(FIELD_REPORT_CATEGORIES),
    text: z.string().trim().min(1).max(4000),
    /** A reference to a photo stored elsewhere (object-store key or URL), not the photo itself. */
    photoRef: z.string().trim().min(1).max(500),
    /** Where: a ward (its centre), or a point. */
    wardId: id.optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  },
  'pump-failure': { deviceId: id, durationMin },
  'sluice-gate-failure': { deviceId: id, durationMin },
  'gateway-power-cut': { gatewayId: id, durationMin },
  'ward-power-cut': { wardId: id, durationMin },
} as const satisfies Record<ExerciseInjectKind, z.ZodRawShape>;

const member = <K extends ExerciseInjectKind>(kind: K) =>
  z.object({ kind: z.literal(kind), at, ...kinds[kind] }).strict();

/** A field report is at a ward or at a point (lat and lon), not both. */
const placed = (i: { kind: string; wardId?: string; lat?: number; lon?: number }) =>
  i.kind !== 'field-report' || (i.wardId !== undefined) !== (i.lat !== undefined && i.lon !== undefined);
const PLACED = {
  message: 'a field report is at a ward (wardId) or at a point (lat and lon), not both',
  path: ['wardId'],
};

/** POST /api/v1/exercises/:id/injects: one inject, by kind (discriminated by `kind`), at `at` or now. */
export const ExerciseInjectRequestSchema = z
  .discriminatedUnion('kind', [
    member('sensor-stuck'),
    member('sensor-drift'),
    member('camera-dark'),
    member('camera-tampered'),
    member('false-detection'),
    member('field-report'),
    member('pump-failure'),
    member('sluice-gate-failure'),
    member('gateway-power-cut'),
    member('ward-power-cut'),
  ])
  .refine(placed, PLACED);
export type ExerciseInjectRequest = z.infer<typeof ExerciseInjectRequestSchema>;

// What the API takes is what the engine's compiler takes (@ioc/domain), plus `at`.
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
type IsAnInject<T extends ExerciseInject> = T;
export type ExerciseInjectRequestIsAnInject = IsAnInject<WithoutAt<ExerciseInjectRequest>>;

/** The inject without its time: what the log keeps (its kind and `params`). */
export function injectOf(r: ExerciseInjectRequest): ExerciseInject {
  const { at: _at, ...rest } = r;
  void _at;
  return rest;
}

/** An inject of a script: its time is required. */
export const ScriptInjectSchema = ExerciseInjectRequestSchema.refine((i) => i.at !== undefined, {
  message: 'a planned inject needs its time (at)',
  path: ['at'],
});

/** POST /api/v1/exercise-scripts: a recording and injects planned at times of it. */
export const ExerciseScriptRequestSchema = z
  .object({
    name: z.string().trim().min(3).max(120),
    recordingId: z.uuid(),
    injects: z.array(ScriptInjectSchema).max(SCRIPT_MAX_INJECTS).default([]),
  })
  .strict();
export type ExerciseScriptRequest = z.infer<typeof ExerciseScriptRequestSchema>;

/** POST /api/v1/exercises/:id/script: save the exercise (its recording and logged injects) as a script. */
export const SaveExerciseScriptRequestSchema = z.object({ name: z.string().trim().min(3).max(120) }).strict();
export type SaveExerciseScriptRequest = z.infer<typeof SaveExerciseScriptRequestSchema>;

/** One inject of an exercise's log. */
export interface ExerciseInjectDto {
  readonly seq: number;
  /** When it happens, in the recording's own time (the drill clock). */
  readonly at: string;
  readonly kind: ExerciseInjectKind;
  /** The inject's fields besides `kind` and `at` (its target, duration…). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Keys of the exercise incidents whose evidence came from it (a false detection's false alarm). */
  readonly incidentKeys: readonly string[];
  readonly createdBy: string;
  readonly createdByName: string | null;
  readonly createdAt: string;
}

/** A planned inject of a script, as the API takes it. */
export type ScriptInjectDto = { readonly at: string } & ExerciseInject;

export interface ExerciseScriptDto {
  readonly id: string;
  readonly name: string;
  /** Null once the recording is deleted: the script can no longer be started. */
  readonly recordingId: string | null;
  readonly recordingName: string | null;
  readonly injects: readonly ScriptInjectDto[];
  readonly createdBy: string;
  readonly createdByName: string | null;
  readonly createdAt: string;
}
