import { IocError } from '@ioc/platform';

/** Codes of the device registry and the broker's identities. */
export const REGISTRY_ERROR_CODES = [
  'REGISTRY_INVALID',
  'REGISTRY_ID_RESERVED',
  'REGISTRY_EXISTS',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_DISABLED',
  'BROKER_ADMIN_UNAVAILABLE',
  'BROKER_ADMIN_REFUSED',
] as const;
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

export class RegistryError extends IocError<RegistryErrorCode> {}
