import { IOC_ERROR_CODES } from '@ioc/platform';
import { codeOfStatus, httpStatusOf } from './error-status';

describe('httpStatusOf', () => {
  it.each([
    ['INCIDENT_NOT_FOUND', 404],
    ['DEVICE_NOT_FOUND', 404],
    ['SOP_STEP_UNKNOWN', 404],
    ['INCIDENT_INVALID_TRANSITION', 409],
    ['INCIDENT_CONFLICT', 409],
    ['INCIDENT_INVALID_COMMAND', 400],
    ['REQUEST_INVALID', 400],
    ['AUTH_INVALID', 401],
    ['AUTH_FORBIDDEN', 403],
    ['USER_PASSWORD_INCORRECT', 403],
    ['USER_NOT_FOUND', 404],
    ['USER_EXISTS', 409],
    ['USER_LAST_ADMIN', 409],
    ['EXERCISE_ACTIVE', 409],
    ['RECORDING_IN_USE', 409],
    ['EXERCISE_NOT_RUNNING', 409],
    ['RECORDING_INVALID', 400],
    ['EXERCISE_NOT_FOUND', 404],
    ['DB_UNAVAILABLE', 503],
    ['SHUTTING_DOWN', 503],
    ['CONFIG_INVALID', 500],
    ['SOP_INVALID', 500],
    ['STORAGE_WRITE_FAILED', 500],
  ])('%s → %i', (code, status) => expect(httpStatusOf(code)).toBe(status));

  it('gives every known code a status', () => {
    for (const code of IOC_ERROR_CODES) expect([400, 401, 403, 404, 409, 500, 503]).toContain(httpStatusOf(code));
  });

  it('names plain HTTP errors', () => {
    expect(codeOfStatus(404)).toBe('ROUTE_NOT_FOUND');
    expect(codeOfStatus(400)).toBe('REQUEST_INVALID');
    expect(codeOfStatus(502)).toBe('INTERNAL');
    expect(codeOfStatus(405)).toBe('HTTP_405');
  });
});
