/** Simulated time: seconds since the scenario start; absolute instants are epoch milliseconds. */
export const VN_OFFSET_MIN = 7 * 60;

/** RFC 3339 with the Asia/Ho_Chi_Minh offset, e.g. 2026-11-24T18:05:00+07:00 (what a Vietnamese device sends). */
export function formatTs(epochMs: number, offsetMin = VN_OFFSET_MIN): string {
  const local = new Date(Math.round(epochMs) + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Parses an RFC 3339 time (the scenario files write them with +07:00) to epoch ms; throws on anything else. */
export function parseTime(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new Error(`not an RFC 3339 time with offset: "${text}"`);
  }
  return Date.parse(text);
}

/** Local (Vietnam) hour of day as a fraction, 0 ≤ h < 24. */
export function localHour(epochMs: number): number {
  const ms = (epochMs + VN_OFFSET_MIN * 60_000) % 86_400_000;
  return (ms < 0 ? ms + 86_400_000 : ms) / 3_600_000;
}

/** Local day of week, 0 = Sunday. */
export function localWeekday(epochMs: number): number {
  return new Date(epochMs + VN_OFFSET_MIN * 60_000).getUTCDay();
}

/** Local calendar date YYYY-MM-DD. */
export function localDate(epochMs: number): string {
  return new Date(epochMs + VN_OFFSET_MIN * 60_000).toISOString().slice(0, 10);
}

/** "HH:MM" → minutes after local midnight. */
export function clockMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Local midnight (epoch ms) of the day containing `epochMs`. */
export function localMidnight(epochMs: number): number {
  const off = VN_OFFSET_MIN * 60_000;
  return Math.floor((epochMs + off) / 86_400_000) * 86_400_000 - off;
}
