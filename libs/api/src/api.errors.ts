import { IocError } from '@ioc/platform';

/** Codes of the REST API's own services (queries, field reports, silences) and of its input validation. */
export const API_SERVICE_ERROR_CODES = [
  'REQUEST_INVALID',
  'DEVICE_NOT_FOUND',
  'FIELD_REPORT_NOT_FOUND',
  'SILENCE_NOT_FOUND',
  'SILENCE_INVALID',
] as const;
export type ApiServiceErrorCode = (typeof API_SERVICE_ERROR_CODES)[number];

/** Named apart from contracts' ApiError, the body every failed request answers with. */
export class ApiServiceError extends IocError<ApiServiceErrorCode> {}
