import { HttpStatus } from '@nestjs/common';
import type { ApiServiceErrorCode } from '@ioc/api';
import type { AuthErrorCode } from '@ioc/auth';
import type { ExerciseErrorCode } from '@ioc/correlate';
import type { IncidentErrorCode } from '@ioc/incidents';
import type { IngestErrorCode } from '@ioc/ingest';
import type { PlatformErrorCode } from '@ioc/platform';
import type { RegistryErrorCode } from '@ioc/registry';
import type { StorageErrorCode } from '@ioc/storage';

/** Every code an IocError can carry: the union of each library's own (a library with a new IocError subclass adds its codes here). */
type IocErrorCode =
  | PlatformErrorCode
  | StorageErrorCode
  | IngestErrorCode
  | IncidentErrorCode
  | AuthErrorCode
  | ExerciseErrorCode
  | ApiServiceErrorCode
  | RegistryErrorCode;

/**
 * The HTTP status of each code, decided here at the edge only. Typed as a Record over the union, the literal must name
 * every code (a code without a status does not compile) and nothing else (an excess property: a status for a code no
 * library declares does not compile either).
 */
const HTTP_STATUS_OF: Readonly<Record<IocErrorCode, HttpStatus>> = {
  // platform
  CONFIG_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  USAGE_INVALID: HttpStatus.BAD_REQUEST,
  SHUTTING_DOWN: HttpStatus.SERVICE_UNAVAILABLE,
  REPORT_PDF_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // storage
  DB_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  DB_MIGRATION_FAILED: HttpStatus.INTERNAL_SERVER_ERROR,
  STORAGE_WRITE_FAILED: HttpStatus.INTERNAL_SERVER_ERROR,
  // ingest
  MQTT_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // incidents: a transition the incident's state forbids, or a lost race, is a conflict; a bad SOP or escalation file is ours
  INCIDENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  INCIDENT_INVALID_TRANSITION: HttpStatus.CONFLICT,
  INCIDENT_INVALID_COMMAND: HttpStatus.BAD_REQUEST,
  INCIDENT_CONFLICT: HttpStatus.CONFLICT,
  SOP_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  SOP_NOT_FOUND: HttpStatus.NOT_FOUND,
  SOP_STEP_UNKNOWN: HttpStatus.NOT_FOUND,
  ESCALATION_POLICY_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  // exercises: a trainee outside their exercise is forbidden; a bad scoring file is ours
  EXERCISE_NOT_ASSIGNED: HttpStatus.FORBIDDEN,
  SCORING_RULES_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  // auth: a wrong current password is forbidden (not 401, which would sign the console out)
  AUTH_INVALID: HttpStatus.UNAUTHORIZED,
  AUTH_FORBIDDEN: HttpStatus.FORBIDDEN,
  USER_NOT_FOUND: HttpStatus.NOT_FOUND,
  USER_EXISTS: HttpStatus.CONFLICT,
  USER_LAST_ADMIN: HttpStatus.CONFLICT,
  USER_PASSWORD_INCORRECT: HttpStatus.FORBIDDEN,
  AUTH_THROTTLED: HttpStatus.TOO_MANY_REQUESTS,
  // exercises: a limit on how many run, and a recording in use stays; a seek outside the window is the client's
  RECORDING_INVALID: HttpStatus.BAD_REQUEST,
  RECORDING_NOT_FOUND: HttpStatus.NOT_FOUND,
  RECORDING_IN_USE: HttpStatus.CONFLICT,
  EXERCISE_NOT_FOUND: HttpStatus.NOT_FOUND,
  EXERCISE_ACTIVE: HttpStatus.CONFLICT,
  EXERCISE_NOT_RUNNING: HttpStatus.CONFLICT,
  EXERCISE_NOT_ENDED: HttpStatus.CONFLICT,
  EXERCISE_SEEK_INVALID: HttpStatus.BAD_REQUEST,
  EXERCISE_INJECT_INVALID: HttpStatus.BAD_REQUEST,
  EXERCISE_SCRIPT_NOT_FOUND: HttpStatus.NOT_FOUND,
  EXERCISE_TRAINEE_INVALID: HttpStatus.BAD_REQUEST,
  EXERCISE_SCORES_NOT_YET: HttpStatus.FORBIDDEN,
  QUEUE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // recording files: a bad file is the client's; one of another city cannot be taken here; one too big, 413
  RECORDING_FILE_INVALID: HttpStatus.BAD_REQUEST,
  RECORDING_CITY_MISMATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  RECORDING_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  // REST services
  REQUEST_INVALID: HttpStatus.BAD_REQUEST,
  DEVICE_NOT_FOUND: HttpStatus.NOT_FOUND,
  FIELD_REPORT_NOT_FOUND: HttpStatus.NOT_FOUND,
  SILENCE_NOT_FOUND: HttpStatus.NOT_FOUND,
  SILENCE_INVALID: HttpStatus.BAD_REQUEST,
  // registry: the broker's admin plugin away is a 503; its refusal of a command we built is ours (500)
  REGISTRY_INVALID: HttpStatus.BAD_REQUEST,
  REGISTRY_ID_RESERVED: HttpStatus.BAD_REQUEST,
  REGISTRY_EXISTS: HttpStatus.CONFLICT,
  REGISTRY_NOT_FOUND: HttpStatus.NOT_FOUND,
  BROKER_ADMIN_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  BROKER_ADMIN_REFUSED: HttpStatus.INTERNAL_SERVER_ERROR,
  // fleet provisioning: answered over MQTT; a key's state is a conflict, a device outside its limits forbidden
  PROVISIONING_INVALID: HttpStatus.BAD_REQUEST,
  PROVISIONING_KEY_REVOKED: HttpStatus.CONFLICT,
  PROVISIONING_KEY_EXPIRED: HttpStatus.CONFLICT,
  PROVISIONING_KEY_EXHAUSTED: HttpStatus.CONFLICT,
  PROVISIONING_TYPE_NOT_ALLOWED: HttpStatus.FORBIDDEN,
  PROVISIONING_WARD_NOT_ALLOWED: HttpStatus.FORBIDDEN,
  PROVISIONING_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

function isIocErrorCode(code: string): code is IocErrorCode {
  return Object.hasOwn(HTTP_STATUS_OF, code);
}

/** The HTTP status of an IocError's code; 500 for a code the table does not know. */
export function httpStatusOf(code: string): HttpStatus {
  return isIocErrorCode(code) ? HTTP_STATUS_OF[code] : HttpStatus.INTERNAL_SERVER_ERROR;
}

/** Code of an HttpException that carries none of its own (Nest's own 404 for an unknown route, …). */
export function codeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'REQUEST_INVALID';
    case 401:
      return 'AUTH_INVALID';
    case 403:
      return 'AUTH_FORBIDDEN';
    case 404:
      return 'ROUTE_NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    default:
      return status >= 500 ? 'INTERNAL' : `HTTP_${status}`;
  }
}
