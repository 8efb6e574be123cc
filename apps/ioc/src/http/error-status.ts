import { HttpStatus } from '@nestjs/common';

/**
 * The HTTP status of an IocError code, decided here at the edge only: *_NOT_FOUND 404, AUTH_INVALID 401,
 * AUTH_FORBIDDEN and a wrong current password 403, a transition the incident's state forbids (or a lost race), a taken
 * username, the last admin's removal, a second exercise at once or a recording in use 409, invalid input 400, a dependency
 * down 503, anything else 500.
 */
export function httpStatusOf(code: string): number {
  if (code === 'AUTH_INVALID') return HttpStatus.UNAUTHORIZED;
  if (code === 'AUTH_FORBIDDEN' || code === 'USER_PASSWORD_INCORRECT') return HttpStatus.FORBIDDEN;
  if (code.endsWith('_NOT_FOUND') || code === 'SOP_STEP_UNKNOWN') return HttpStatus.NOT_FOUND;
  if (['INCIDENT_INVALID_TRANSITION', 'INCIDENT_CONFLICT', 'USER_EXISTS', 'USER_LAST_ADMIN', 'RECORDING_IN_USE', 'EXERCISE_ACTIVE', 'EXERCISE_NOT_RUNNING'].includes(code)) return HttpStatus.CONFLICT;
  if (code.includes('_INVALID')) return code === 'CONFIG_INVALID' || code.endsWith('POLICY_INVALID') || code === 'SOP_INVALID' ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
  if (code.endsWith('_UNAVAILABLE') || code === 'SHUTTING_DOWN') return HttpStatus.SERVICE_UNAVAILABLE;
  return HttpStatus.INTERNAL_SERVER_ERROR;
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
