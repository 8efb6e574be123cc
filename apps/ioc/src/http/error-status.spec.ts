import { API_SERVICE_ERROR_CODES } from '@ioc/api';
import { AUTH_ERROR_CODES } from '@ioc/auth';
import { EXERCISE_ERROR_CODES } from '@ioc/correlate';
import { INCIDENT_ERROR_CODES } from '@ioc/incidents';
import { INGEST_ERROR_CODES } from '@ioc/ingest';
import { PLATFORM_ERROR_CODES } from '@ioc/platform';
import { STORAGE_ERROR_CODES } from '@ioc/storage';
import { REGISTRY_ERROR_CODES } from '@ioc/registry';
import { codeOfStatus, httpStatusOf } from './error-status';

const EVERY_CODE = [
  ...PLATFORM_ERROR_CODES,
  ...STORAGE_ERROR_CODES,
  ...INGEST_ERROR_CODES,
  ...INCIDENT_ERROR_CODES,
  ...AUTH_ERROR_CODES,
  ...EXERCISE_ERROR_CODES,
  ...API_SERVICE_ERROR_CODES,
  ...REGISTRY_ERROR_CODES,
];

/** Every code's status as clients see it today: a change here is a change to the API. */
const STATUS_OF_CODE = {
  CONFIG_INVALID: 500,
  DB_UNAVAILABLE: 503,
  DB_MIGRATION_FAILED: 500,
  STORAGE_WRITE_FAILED: 500,
  MQTT_UNAVAILABLE: 503,
  QUEUE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  USAGE_INVALID: 400,
  INCIDENT_NOT_FOUND: 404,
  INCIDENT_INVALID_TRANSITION: 409,
  INCIDENT_INVALID_COMMAND: 400,
  INCIDENT_CONFLICT: 409,
  SOP_INVALID: 500,
  SOP_NOT_FOUND: 404,
  SOP_STEP_UNKNOWN: 404,
  SILENCE_NOT_FOUND: 404,
  SILENCE_INVALID: 400,
  REGISTRY_INVALID: 400,
  REGISTRY_ID_RESERVED: 400,
  REGISTRY_EXISTS: 409,
  REGISTRY_NOT_FOUND: 404,
  BROKER_ADMIN_UNAVAILABLE: 503,
  BROKER_ADMIN_REFUSED: 500,
  PROVISIONING_INVALID: 400,
  PROVISIONING_KEY_REVOKED: 409,
  PROVISIONING_KEY_EXPIRED: 409,
  PROVISIONING_KEY_EXHAUSTED: 409,
  PROVISIONING_TYPE_NOT_ALLOWED: 403,
  PROVISIONING_WARD_NOT_ALLOWED: 403,
  PROVISIONING_UNAVAILABLE: 503,
  ESCALATION_POLICY_INVALID: 500,
  AUTH_INVALID: 401,
  AUTH_FORBIDDEN: 403,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
  USER_LAST_ADMIN: 409,
  USER_PASSWORD_INCORRECT: 403,
  AUTH_THROTTLED: 429,
  RECORDING_INVALID: 400,
  RECORDING_NOT_FOUND: 404,
  RECORDING_IN_USE: 409,
  RECORDING_FILE_INVALID: 400,
  RECORDING_CITY_MISMATCH: 422,
  RECORDING_TOO_LARGE: 413,
  EXERCISE_NOT_FOUND: 404,
  EXERCISE_ACTIVE: 409,
  EXERCISE_NOT_RUNNING: 409,
  EXERCISE_SEEK_INVALID: 400,
  EXERCISE_INJECT_INVALID: 400,
  EXERCISE_SCRIPT_NOT_FOUND: 404,
  REQUEST_INVALID: 400,
  DEVICE_NOT_FOUND: 404,
  FIELD_REPORT_NOT_FOUND: 404,
} as const;

describe('httpStatusOf', () => {
  it.each(Object.entries(STATUS_OF_CODE))('%s → %i', (code, status) => expect(httpStatusOf(code)).toBe(status));

  it('pins every code of every library, each declared by one library', () => {
    expect(Object.keys(STATUS_OF_CODE).sort()).toEqual([...EVERY_CODE].sort());
  });

  it('answers 500 for a code it does not know', () => {
    expect(httpStatusOf('NO_SUCH_CODE')).toBe(500);
    expect(httpStatusOf('toString')).toBe(500);
  });

  it('names plain HTTP errors', () => {
    expect(codeOfStatus(404)).toBe('ROUTE_NOT_FOUND');
    expect(codeOfStatus(400)).toBe('REQUEST_INVALID');
    expect(codeOfStatus(502)).toBe('INTERNAL');
    expect(codeOfStatus(405)).toBe('HTTP_405');
  });
});
