import { IocError } from '@ioc/platform';

/** Codes of authentication, authorisation and user management. */
export const AUTH_ERROR_CODES = [
  'AUTH_INVALID',
  'AUTH_FORBIDDEN',
  'USER_NOT_FOUND',
  'USER_EXISTS',
  'USER_LAST_ADMIN',
  'USER_PASSWORD_INCORRECT',
  'AUTH_THROTTLED',
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

export class AuthError extends IocError<AuthErrorCode> {}
