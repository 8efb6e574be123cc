/** Error codes the IOC raises; mapped to HTTP/MQTT reason codes at the edges. */
export const IOC_ERROR_CODES = [
  'CONFIG_INVALID',
  'DB_UNAVAILABLE',
  'DB_MIGRATION_FAILED',
  'STORAGE_WRITE_FAILED',
  'MQTT_UNAVAILABLE',
  'QUEUE_UNAVAILABLE',
  'SHUTTING_DOWN',
  'USAGE_INVALID',
  // incident lifecycle (libs/incidents)
  'INCIDENT_NOT_FOUND',
  'INCIDENT_INVALID_TRANSITION',
  'INCIDENT_INVALID_COMMAND',
  'INCIDENT_CONFLICT',
  'SOP_INVALID',
  'SOP_NOT_FOUND',
  'SOP_STEP_UNKNOWN',
  'SILENCE_NOT_FOUND',
  'SILENCE_INVALID',
  // escalation (libs/incidents/src/escalation)
  'ESCALATION_POLICY_INVALID',
  // authentication and authorisation (libs/auth)
  'AUTH_INVALID',
  'AUTH_FORBIDDEN',
  // user management (libs/auth)
  'USER_NOT_FOUND',
  'USER_EXISTS',
  'USER_LAST_ADMIN',
  'USER_PASSWORD_INCORRECT',
  // trainers' exercises (libs/correlate/src/exercises)
  'RECORDING_INVALID',
  'RECORDING_NOT_FOUND',
  'RECORDING_IN_USE',
  'EXERCISE_NOT_FOUND',
  'EXERCISE_ACTIVE',
  'EXERCISE_NOT_RUNNING',
  // REST API (apps/ioc/src/http, libs/api)
  'REQUEST_INVALID',
  'DEVICE_NOT_FOUND',
  'FIELD_REPORT_NOT_FOUND',
] as const;
export type IocErrorCode = (typeof IOC_ERROR_CODES)[number];

export class IocError extends Error {
  constructor(
    readonly code: IocErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IocError';
  }
}

export function isIocError(e: unknown, code?: IocErrorCode): e is IocError {
  return e instanceof IocError && (code === undefined || e.code === code);
}
