import type { TFunction } from 'i18next';

/** The city's time zone, and its fixed offset (Vietnam keeps no daylight saving time). */
const TZ = 'Asia/Ho_Chi_Minh';
export const CITY_UTC_OFFSET = '+07:00';
export const CITY_UTC_OFFSET_MS = 7 * 3_600_000;

/** Local time of the city (UTC+7), whatever the browser's zone. */
export function formatTime(ms: number, lang: string, withDate = false): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(withDate ? { day: '2-digit', month: '2-digit' } : {}),
  }).format(ms);
}

export function formatDuration(ms: number, t: TFunction): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return t('duration.s', { n: s });
  const m = Math.round(s / 60);
  if (m < 120) return t('duration.m', { n: m });
  return t('duration.h', { n: (m / 60).toFixed(1) });
}

export function formatPercent(ratio: number | null, lang: string): string {
  if (ratio === null) return '—';
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(ratio);
}
