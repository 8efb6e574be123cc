export { RegistryModule, DYNSEC_CLIENT } from './registry.module';
export {
  RegistryService,
  credentialHash,
  newPassword,
  type NewDeviceInput,
  type NewGatewayInput,
  type RegistryKind,
} from './registry.service';
export {
  DynsecClient,
  topicMatches,
  type AdminMessageHandler,
  type DynsecClientOptions,
  type DynsecResponse,
} from './dynsec.client';
export { ProvisioningService } from './provisioning.service';
export { BRIDGE_ROLE, PayloadBridge, bridgeAcls, type PayloadBridgeOptions } from './payload-bridge';
export { ProvisioningResponder } from './provisioning.responder';
export { keyRefusal, readProvisionRequest, refusalOf, type ReadRequest, type Refusal } from './provision-request';
export { REGISTRY_ERROR_CODES, RegistryError, type RegistryErrorCode } from './registry.errors';
export {
  PROVISION_ROOT,
  PROVISION_SHARE_GROUP,
  PROVISION_SUBSCRIPTION,
  adminAcls,
  createIdentityCommands,
  deviceAcls,
  gatewayAcls,
  ingestAcls,
  isReservedId,
  provisionRequestTopic,
  provisionResponseTopic,
  provisioningAcls,
  provisioningRoleName,
  provisioningUsername,
  type BrokerIdentity,
  type DynsecAcl,
  type DynsecCommand,
} from './broker-acl';
