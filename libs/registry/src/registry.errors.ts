import { IocError } from '@ioc/platform';

/** Codes of the device registry and the broker's identities. */
export const REGISTRY_ERROR_CODES = [
  'REGISTRY_INVALID',
  'REGISTRY_ID_RESERVED',
  'REGISTRY_EXISTS',
  'REGISTRY_NOT_FOUND',
  'BROKER_ADMIN_UNAVAILABLE',
  'BROKER_ADMIN_REFUSED',
  // fleet self-provisioning (also the codes of refused requests, with REGISTRY_EXISTS, _ID_RESERVED and _INVALID)
  'PROVISIONING_INVALID',
  'PROVISIONING_KEY_REVOKED',
  'PROVISIONING_KEY_EXPIRED',
  'PROVISIONING_KEY_EXHAUSTED',
  'PROVISIONING_TYPE_NOT_ALLOWED',
  'PROVISIONING_WARD_NOT_ALLOWED',
  'PROVISIONING_UNAVAILABLE',
] as const;
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

export class RegistryError extends IocError<RegistryErrorCode> {}
