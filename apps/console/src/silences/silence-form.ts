import { MAX_SILENCE_MS, SILENCE_COMMENT_MAX, SILENCE_COMMENT_MIN, type SilenceDto } from '@ioc/contracts';
import { CITY_UTC_OFFSET, CITY_UTC_OFFSET_MS } from '../format';

/**
 * Silences in the console: the create form's rules (the server's `SilenceRequestSchema`, mirrored so an operator
 * hears what is wrong before sending) and the list's states. Pure: no I/O, no React.
 */

/** The server's bounds (`@ioc/contracts` silence-limits), as the form and its view name them. */
export { MAX_SILENCE_MS };
export const MIN_COMMENT = SILENCE_COMMENT_MIN;
export const MAX_COMMENT = SILENCE_COMMENT_MAX;

const H = 3_600_000;
/** The form's durations; `until` means the end time field. */
export const SILENCE_DURATIONS = [
  { id: '1h', ms: H },
  { id: '4h', ms: 4 * H },
  { id: '8h', ms: 8 * H },
  { id: '24h', ms: 24 * H },
  { id: '3d', ms: 72 * H },
  { id: '7d', ms: MAX_SILENCE_MS },
] as const;
export type SilenceDuration = (typeof SILENCE_DURATIONS)[number]['id'] | 'until';

/** What the form holds: empty strings for "any". */
export interface SilenceDraft {
  readonly type: string;
  readonly zoneId: string;
  readonly duration: SilenceDuration;
  /** `<input type="datetime-local">`, city time (UTC+7): `2026-11-21T18:30`. */
  readonly until: string;
  readonly comment: string;
}

export const emptyDraft = (prefill: { type?: string; zoneId?: string } = {}): SilenceDraft => ({
  type: prefill.type ?? '',
  zoneId: prefill.zoneId ?? '',
  duration: '4h',
  until: '',
  comment: '',
});

/** The body of `POST /api/v1/silences` (times ISO-8601 with an offset). */
export interface SilenceBody {
  readonly matchers: { readonly type?: string; readonly zoneId?: string };
  readonly endsAt: string;
  readonly comment: string;
}

export type SilenceFormError = 'noMatcher' | 'commentShort' | 'commentLong' | 'endMissing' | 'endInPast' | 'tooLong';

export type BuildResult =
  | { readonly ok: true; readonly body: SilenceBody }
  | { readonly ok: false; readonly errors: readonly SilenceFormError[] };

// End times are typed in city time (format.ts: the city's zone and offset).

/** `2026-11-21T18:30` (city time) → epoch ms; NaN when it is not such a value. */
export function parseCityLocal(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return Number.NaN;
  return Date.parse(`${value.length === 16 ? `${value}:00` : value}${CITY_UTC_OFFSET}`);
}

/** Epoch ms → the `datetime-local` value of that instant in city time (minutes). */
export function cityLocalInput(ms: number): string {
  return new Date(ms + CITY_UTC_OFFSET_MS).toISOString().slice(0, 16);
}

/** ISO-8601 in city time with its offset: `2026-11-21T18:30:00.000+07:00`. */
export function cityIso(ms: number): string {
  return `${new Date(ms + CITY_UTC_OFFSET_MS).toISOString().slice(0, 23)}${CITY_UTC_OFFSET}`;
}

/** The request the draft makes at `now`, or every reason it cannot be sent (the server's rules, in its order). */
export function buildSilenceRequest(draft: SilenceDraft, now: number): BuildResult {
  const errors: SilenceFormError[] = [];
  const matchers = {
    ...(draft.type && { type: draft.type }),
    ...(draft.zoneId.trim() && { zoneId: draft.zoneId.trim() }),
  };
  if (Object.keys(matchers).length === 0) errors.push('noMatcher');
  const comment = draft.comment.trim();
  if (comment.length < MIN_COMMENT) errors.push('commentShort');
  else if (comment.length > MAX_COMMENT) errors.push('commentLong');
  let endsAt: number;
  if (draft.duration === 'until') {
    endsAt = parseCityLocal(draft.until);
    if (Number.isNaN(endsAt)) errors.push('endMissing');
    else if (endsAt <= now) errors.push('endInPast');
    else if (endsAt - now > MAX_SILENCE_MS) errors.push('tooLong');
  } else {
    const d = SILENCE_DURATIONS.find((x) => x.id === draft.duration);
    endsAt = now + (d?.ms ?? Number.NaN);
    if (!d) errors.push('endMissing');
  }
  if (errors.length) return { ok: false, errors };
  // No startsAt: the server starts it at its own now, so the 7 days are measured from there (a preset of 7 days ends
  // a few ms before the limit by the browser's clock; a second's slack keeps a slow clock from crossing it).
  const end = draft.duration === '7d' ? endsAt - 1_000 : endsAt;
  return { ok: true, body: { matchers, endsAt: cityIso(end), comment } };
}

export type SilenceStatus = 'active' | 'upcoming' | 'ended';
export const SILENCE_STATUS_ORDER: readonly SilenceStatus[] = ['active', 'upcoming', 'ended'];

/** By its times at `now` (the server's `active` is as of its answer; the list outlives it between polls). */
export function silenceStatus(s: Pick<SilenceDto, 'startsAt' | 'endsAt'>, now: number): SilenceStatus {
  if (Date.parse(s.endsAt) <= now) return 'ended';
  if (Date.parse(s.startsAt) > now) return 'upcoming';
  return 'active';
}

/** Active first, then upcoming, then ended; the server's order (newest first) within each. */
export function sortSilences<T extends Pick<SilenceDto, 'startsAt' | 'endsAt'>>(
  silences: readonly T[],
  now: number,
): T[] {
  return silences
    .map((s, i) => ({ s, i, o: SILENCE_STATUS_ORDER.indexOf(silenceStatus(s, now)) }))
    .sort((a, b) => a.o - b.o || a.i - b.i)
    .map((x) => x.s);
}

export const activeSilences = <T extends Pick<SilenceDto, 'startsAt' | 'endsAt'>>(
  silences: readonly T[] | undefined,
  now: number,
): T[] => (silences ?? []).filter((s) => silenceStatus(s, now) === 'active');
