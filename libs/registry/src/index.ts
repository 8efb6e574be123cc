export { RegistryModule, DYNSEC_CLIENT } from './registry.module';
export {
  RegistryService,
  credentialHash,
  newPassword,
  type NewDeviceInput,
  type NewGatewayInput,
  type RegistryKind,
} from './registry.service';
export { DynsecClient, type DynsecClientOptions, type DynsecResponse } from './dynsec.client';
export { REGISTRY_ERROR_CODES, RegistryError, type RegistryErrorCode } from './registry.errors';
export {
  PROVISION_ROOT,
  adminAcls,
  createIdentityCommands,
  deviceAcls,
  gatewayAcls,
  ingestAcls,
  isReservedId,
  provisionRequestTopic,
  provisionResponseTopic,
  provisioningUsername,
  type BrokerIdentity,
  type DynsecAcl,
  type DynsecCommand,
} from './broker-acl';
