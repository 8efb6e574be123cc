export {
  DYNSEC_FILE,
  DYNSEC_PLUGIN_CANDIDATES,
  SHIPPED_PORT,
  SHIPPED_TLS_PORT,
  brokerConfigValue,
  findDynsecPlugin,
  findMosquittoBinary,
  renderBrokerConfig,
  type BrokerConfigOptions,
} from './broker-config';
export {
  brokerOwner,
  chownTree,
  localUser,
  prepareBrokerDir,
  type BrokerDir,
  type BrokerDirOptions,
} from './broker-dir';
export {
  DEV_CERT_HOSTS,
  ensureDevCertificates,
  type DevCertificateOptions,
  type DevCertificates,
} from './dev-certificates';
export { DYNSEC_ITERATIONS, dynsecPasswordHash, randomSecret, type DynsecPasswordHash } from './dynsec-password';
export {
  DEFAULT_ACL_ACCESS,
  DYNSEC_CONTROL_TOPIC,
  IOC_ADMIN_ROLE,
  IOC_INGEST_ROLE,
  adminRole,
  ingestRole,
  initialDynsecState,
  writeInitialDynsec,
  type BrokerCredentials,
  type DynsecAcl,
  type DynsecAclType,
  type DynsecClient,
  type DynsecRole,
  type DynsecState,
  type ExtraIdentity,
  type InitialDynsecOptions,
} from './dynsec-state';
