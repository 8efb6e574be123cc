import { z } from 'zod';

/** An ISO 8601 time with offset (`2025-11-05T08:00:00+07:00`, `…Z`), parsed to a Date. */
export const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** A comma-separated list in a query string (`state=open,acknowledged`) of values of `values`. */
export const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));

export const uuid = z.uuid();

/** The body of every 4xx/5xx answer: a stable code, a readable message, sometimes details (e.g. validation issues). */
export interface ApiError {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}
