import { IocError } from '@ioc/platform';
import { PROVISIONING_REFUSAL_CODES } from '@ioc/contracts';

/** The provisioning refusals that are the registry's own (the others are its general codes below). */
const PROVISIONING_CODES = PROVISIONING_REFUSAL_CODES.filter(
  (c): c is Extract<(typeof PROVISIONING_REFUSAL_CODES)[number], `PROVISIONING_${string}`> =>
    c.startsWith('PROVISIONING_'),
);

/** Codes of the device registry and the broker's identities. */
export const REGISTRY_ERROR_CODES = [
  'REGISTRY_INVALID',
  'REGISTRY_ID_RESERVED',
  'REGISTRY_EXISTS',
  'REGISTRY_NOT_FOUND',
  'BROKER_ADMIN_UNAVAILABLE',
  'BROKER_ADMIN_REFUSED',
  // fleet self-provisioning: the refusals of @ioc/contracts (with REGISTRY_EXISTS, _ID_RESERVED and _INVALID)
  ...PROVISIONING_CODES,
] as const;
export type RegistryErrorCode =
  | (typeof REGISTRY_ERROR_CODES)[number]
  | Extract<(typeof PROVISIONING_REFUSAL_CODES)[number], `PROVISIONING_${string}`>;

export class RegistryError extends IocError<RegistryErrorCode> {}
