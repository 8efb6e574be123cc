/** Network-level failures worth retrying: the server or the path to it went away, not the statement. */
const TRANSIENT_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** SQLSTATEs worth retrying: connection exception (08), insufficient resources (53), shutdown/restart (57P0x), serialization and deadlock. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code.startsWith('53') || /^57P0\d$/.test(code) || code === '40001' || code === '40P01'
  );
}

const TRANSIENT_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
];

/** True when retrying the same operation later may succeed (the ingest loop backs off and retries instead of quarantining). */
export function isTransientDbError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_NET_CODES.has(e.code) || isTransientSqlState(e.code))) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  // Node reports a refused dual-stack connect as an AggregateError; IocError wraps the driver error as cause.
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransientDbError(x, depth + 1))) return true;
  return e.cause !== undefined && isTransientDbError(e.cause, depth + 1);
}

/**
 * True when the database refused a statement because of the data in it — data exception (22), integrity constraint
 * (23), program limit such as a value too large (54) — so that retrying the same rows cannot succeed and the message
 * belongs in quarantine. Anything else (connection, session state, a bug) is not the message's fault: retry it.
 */
export function isDataRejection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}
