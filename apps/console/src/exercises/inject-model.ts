import { FIELD_REPORT_CATEGORIES, type ExerciseDto } from '@ioc/contracts';
import {
  EXERCISE_INJECT_KINDS,
  FALSE_DETECTION_TYPES,
  type ExerciseInject,
  type ExerciseInjectKind,
} from '@ioc/domain';
import { parseSeek } from './exercise-model';

export { EXERCISE_INJECT_KINDS, FALSE_DETECTION_TYPES };
export type { ExerciseInjectKind };

/** Categories of an injected field report: those of any field report. */
export const INJECT_REPORT_CATEGORIES = FIELD_REPORT_CATEGORIES;

/** What an inject of a kind names as its target: a device of a type, a gateway, a ward. */
export type InjectTarget =
  { readonly of: 'device'; readonly type: string } | { readonly of: 'gateway' } | { readonly of: 'ward' };

export const INJECT_TARGETS: Readonly<Record<ExerciseInjectKind, InjectTarget>> = {
  'sensor-stuck': { of: 'device', type: 'water-level-sensor' },
  'sensor-drift': { of: 'device', type: 'water-level-sensor' },
  'camera-dark': { of: 'device', type: 'camera' },
  'camera-tampered': { of: 'device', type: 'camera' },
  'false-detection': { of: 'device', type: 'camera' },
  'field-report': { of: 'ward' },
  'pump-failure': { of: 'device', type: 'pump' },
  'sluice-gate-failure': { of: 'device', type: 'sluice-gate' },
  'gateway-power-cut': { of: 'gateway' },
  'ward-power-cut': { of: 'ward' },
};

/** Kinds whose fault lasts (a duration may bound it). */
const LASTING = new Set<ExerciseInjectKind>([
  'sensor-stuck',
  'sensor-drift',
  'camera-dark',
  'camera-tampered',
  'pump-failure',
  'sluice-gate-failure',
  'gateway-power-cut',
  'ward-power-cut',
]);
export const hasDuration = (kind: ExerciseInjectKind): boolean => LASTING.has(kind);

/** The inject form as typed: every field a string. */
export interface InjectDraft {
  readonly kind: ExerciseInjectKind;
  readonly target: string;
  /** Minutes; empty: until the recording's end. */
  readonly durationMin: string;
  /** Drill time (city local, `YYYY-MM-DDTHH:mm`); empty: now on the drill clock. */
  readonly at: string;
  readonly ratePerH: string;
  readonly eventType: string;
  readonly count: string;
  readonly category: string;
  readonly text: string;
  readonly photoRef: string;
}

export const emptyInjectDraft = (kind: ExerciseInjectKind = 'camera-tampered'): InjectDraft => ({
  kind,
  target: '',
  durationMin: '',
  at: '',
  ratePerH: '6',
  eventType: 'illegal_dumping',
  count: '3',
  category: 'flooding',
  text: '',
  photoRef: '',
});

export type InjectFormError = 'target' | 'duration' | 'at' | 'rate' | 'count' | 'text' | 'photo';

export type InjectBuild =
  | { readonly ok: true; readonly body: ExerciseInjectRequestBody }
  | { readonly ok: false; readonly errors: readonly InjectFormError[] };

/** The request as sent (times as ISO text). */
export type ExerciseInjectRequestBody = ExerciseInject & { readonly at?: string };

const positiveInt = (s: string, max: number): number | undefined => {
  if (!/^\s*\d+\s*$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= max ? n : undefined;
};

/** The request the draft makes for exercise `e`, or every reason it cannot be sent (the server's rules). */
export function buildInjectRequest(d: InjectDraft, e: Pick<ExerciseDto, 'from' | 'to'>): InjectBuild {
  const errors: InjectFormError[] = [];
  const target = d.target.trim();
  if (!target) errors.push('target');
  let durationMin: number | undefined;
  if (hasDuration(d.kind) && d.durationMin.trim()) {
    durationMin = positiveInt(d.durationMin, 24 * 60);
    if (durationMin === undefined) errors.push('duration');
  }
  let at: string | undefined;
  if (d.at.trim()) {
    at = parseSeek(d.at, e);
    if (!at) errors.push('at');
  }
  const rate = Number(d.ratePerH);
  if (d.kind === 'sensor-drift' && !(rate >= 0.5 && rate <= 100)) errors.push('rate');
  const count = positiveInt(d.count, 20);
  if (d.kind === 'false-detection' && count === undefined) errors.push('count');
  if (d.kind === 'field-report') {
    if (!d.text.trim()) errors.push('text');
    if (!d.photoRef.trim()) errors.push('photo');
  }
  if (errors.length) return { ok: false, errors };
  const timing = { ...(at && { at }), ...(durationMin !== undefined && { durationMin }) };
  const request = ((): ExerciseInjectRequestBody => {
    switch (d.kind) {
      case 'sensor-drift':
        return { kind: d.kind, deviceId: target, ratePerH: rate, ...timing };
      case 'false-detection':
        return {
          kind: d.kind,
          deviceId: target,
          eventType: d.eventType as (typeof FALSE_DETECTION_TYPES)[number],
          count: count!,
          ...(at && { at }),
        };
      case 'field-report':
        return {
          kind: d.kind,
          wardId: target,
          category: d.category as (typeof INJECT_REPORT_CATEGORIES)[number],
          text: d.text.trim(),
          photoRef: d.photoRef.trim(),
          ...(at && { at }),
        };
      case 'gateway-power-cut':
        return { kind: d.kind, gatewayId: target, ...timing };
      case 'ward-power-cut':
        return { kind: d.kind, wardId: target, ...timing };
      default:
        return { kind: d.kind, deviceId: target, ...timing };
    }
  })();
  return { ok: true, body: request };
}

/** What an inject of the log names: its device, gateway or ward. */
export function injectTargetOf(params: Readonly<Record<string, unknown>>): string {
  const t = params.deviceId ?? params.gatewayId ?? params.wardId;
  if (typeof t === 'string') return t;
  return typeof params.lat === 'number' && typeof params.lon === 'number'
    ? `${params.lat.toFixed(4)}, ${params.lon.toFixed(4)}`
    : '';
}

/** The wards devices lie in, sorted as the city numbers them (ward-p2 before ward-p10). */
export function wardsOf(devices: ReadonlyArray<{ readonly ward?: string | null }>): string[] {
  return [...new Set(devices.map((d) => d.ward).filter((w): w is string => !!w))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
}
