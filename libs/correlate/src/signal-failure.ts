import { isIocError } from '@ioc/platform';
import { isTransientDbError } from '@ioc/storage';

/**
 * Whether applying an engine decision failed for a reason that may pass by itself — the database away, a
 * serialization failure or deadlock — so the same signal is to be tried again. An IocError is the lifecycle's verdict
 * on the signal and would be given again; any other failure (a constraint the signal violates, a bug) too.
 */
export function isTransientSignalFailure(err: unknown): boolean {
  return !isIocError(err) && isTransientDbError(err);
}

/** What a failure is counted and set aside under: an IocError's code, a SQLSTATE, else the error's class name. */
export function failureCode(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code) return code;
  return err instanceof Error ? err.name : 'UNKNOWN';
}

/** One line for an operator: the code first when the failure has one. */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code ? `${code}: ${message}` : message;
}
