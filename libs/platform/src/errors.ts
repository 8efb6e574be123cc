/**
 * Coded errors. Each library declares the codes it raises beside its own IocError subclass; the HTTP edge maps every
 * library's codes to statuses in one exhaustive table (apps/ioc/src/http/error-status.ts).
 */

/** Codes of the platform itself (configuration) and of the server's command-line tools. */
export const PLATFORM_ERROR_CODES = [
  'CONFIG_INVALID',
  'USAGE_INVALID',
  'SHUTTING_DOWN',
  /** No headless Chromium to print a report to PDF (IOC_CHROMIUM_PATH; Debian's package `chromium`). */
  'REPORT_PDF_UNAVAILABLE',
] as const;
export type PlatformErrorCode = (typeof PLATFORM_ERROR_CODES)[number];

/**
 * Base of every coded error. Abstract: a code is raised through the subclass of the library that owns it, whose
 * constructor takes only that library's codes, so a code no library declares does not compile.
 */
export abstract class IocError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class PlatformError extends IocError<PlatformErrorCode> {}

export function isIocError<C extends string>(e: unknown, code?: C): e is IocError<C> {
  return e instanceof IocError && (code === undefined || e.code === code);
}
