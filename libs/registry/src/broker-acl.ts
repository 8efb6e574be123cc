import { DEVICE_TYPE_OF_KIND, MESSAGE_KIND_NAMES, type DeviceType } from '@ioc/domain';
import {
  FEEDBACK_ROOT,
  PROVISION_ROOT,
  PROVISION_SHARE_GROUP,
  PROVISION_SUBSCRIPTION,
  TOPIC_ROOT,
  STANDARD_FORMATS,
  deviceTopic,
  feedbackTopic,
  gatewayStandardTopic,
  gatewayTopic,
  standardTopic,
  provisionRequestTopic,
  provisionResponseTopic,
} from '@ioc/contracts';
import { adminRole, type DynsecAcl } from '@ioc/broker-setup';

/**
 * What each identity may do on the broker, as Mosquitto Dynamic Security commands. Pure: the registry sends them over
 * `$CONTROL/dynamic-security/v1`. Mosquitto 2.0's plugin substitutes no %u/%c in ACLs, so every device and gateway
 * has its own role with literal topics, and its client id is pinned to its id: nobody else may use that id, and it
 * can use no other (so no device can take over the IOC's ingest sessions).
 */
export type DynsecCommand = { readonly command: string } & Readonly<Record<string, unknown>>;

export type { DynsecAcl };

/** Ids the IOC keeps for its own identities (ingest sessions, the admin, provisioning keys' clients). */
export const RESERVED_ID_PREFIXES = ['ioc-', 'prov-'] as const;

export const deviceRoleName = (id: string) => `device:${id}`;
export const gatewayRoleName = (id: string) => `gateway:${id}`;
export const provisioningRoleName = (keyId: string) => `provisioning:${keyId}`;
/** Username and pinned client id of a provisioning key's broker identity. */
export const provisioningUsername = (keyId: string) => `prov-${keyId}`;

export { PROVISION_ROOT, provisionRequestTopic, provisionResponseTopic };

export { PROVISION_SHARE_GROUP, PROVISION_SUBSCRIPTION };

const KINDS_OF_TYPE = new Map<DeviceType, string[]>();
for (const kind of MESSAGE_KIND_NAMES) {
  const t = DEVICE_TYPE_OF_KIND[kind];
  KINDS_OF_TYPE.set(t, [...(KINDS_OF_TYPE.get(t) ?? []), kind]);
}

const feedbackAcls = (id: string): DynsecAcl[] => [
  { acltype: 'subscribeLiteral', topic: feedbackTopic(id), allow: true },
  { acltype: 'publishClientReceive', topic: feedbackTopic(id), allow: true },
];

/**
 * A device publishes its own kinds on its own topics, and its standard payloads (SenML, NGSI-LD) on its own topic per
 * format, and reads its own feedback. What a standard payload may carry is then the IOC's check (the kinds of the
 * device's type): the broker cannot look inside.
 */
export function deviceAcls(id: string, type: DeviceType): DynsecAcl[] {
  const kinds = (KINDS_OF_TYPE.get(type) ?? []) as Parameters<typeof deviceTopic>[0][];
  return [
    ...kinds.map((k): DynsecAcl => ({ acltype: 'publishClientSend', topic: deviceTopic(k, id), allow: true })),
    ...STANDARD_FORMATS.map((f): DynsecAcl => ({
      acltype: 'publishClientSend',
      topic: standardTopic(f, id),
      allow: true,
    })),
    ...feedbackAcls(id),
  ];
}

/** A gateway publishes batches (native or standard) on its own topics and reads its own feedback and its devices'. */
export function gatewayAcls(id: string, deviceIds: readonly string[]): DynsecAcl[] {
  return [
    { acltype: 'publishClientSend', topic: gatewayTopic(id), allow: true },
    ...STANDARD_FORMATS.map((f): DynsecAcl => ({
      acltype: 'publishClientSend',
      topic: gatewayStandardTopic(f, id),
      allow: true,
    })),
    ...feedbackAcls(id),
    ...deviceIds.flatMap(feedbackAcls),
  ];
}

/** The IOC's ingest identity: the only one that may join the ingest share, read devices' topics and send feedback. */
export function ingestAcls(shareGroup: string): DynsecAcl[] {
  return [
    { acltype: 'subscribePattern', topic: `$share/${shareGroup}/${TOPIC_ROOT}/#`, allow: true },
    { acltype: 'subscribePattern', topic: `${TOPIC_ROOT}/#`, allow: true },
    { acltype: 'publishClientReceive', topic: `${TOPIC_ROOT}/#`, allow: true },
    { acltype: 'publishClientSend', topic: `${FEEDBACK_ROOT}/#`, allow: true },
  ];
}

/**
 * The IOC's admin identity: the plugin's control topic and the provisioning requests it answers. These must be in the
 * admin's role when the broker's state is first written: in Mosquitto 2.0 a change to a role's ACLs disconnects every
 * client holding the role, so the IOC cannot grant them to its own connection later. The plugin checks a subscription
 * as written, so the provisioning share needs its own entry.
 */
export function adminAcls(): DynsecAcl[] {
  // One list, written into the broker's first state by broker-init (the plugin disconnects a role's holders when its
  // ACLs change, so the IOC cannot add them to its own admin role later without cutting its own connection).
  return adminRole().acls.map((a) => ({ acltype: a.acltype, topic: a.topic, allow: a.allow }));
}

/** A provisioning key's identity: one request topic, one response topic, nothing else. */
export function provisioningAcls(keyId: string): DynsecAcl[] {
  return [
    { acltype: 'publishClientSend', topic: provisionRequestTopic(keyId), allow: true },
    { acltype: 'subscribeLiteral', topic: provisionResponseTopic(keyId), allow: true },
    { acltype: 'publishClientReceive', topic: provisionResponseTopic(keyId), allow: true },
  ];
}

export interface BrokerIdentity {
  readonly username: string;
  readonly rolename: string;
  readonly acls: readonly DynsecAcl[];
  /** Omitted: the identity exists but cannot connect until a password is set. */
  readonly password?: string;
  readonly disabled?: boolean;
}

/** Commands that create an identity: its role with its ACLs, then its client pinned to its client id. */
export function createIdentityCommands(i: BrokerIdentity): DynsecCommand[] {
  const cmds: DynsecCommand[] = [
    { command: 'createRole', rolename: i.rolename, acls: i.acls.map((a) => ({ priority: 0, ...a })) },
    {
      command: 'createClient',
      username: i.username,
      clientid: i.username,
      ...(i.password !== undefined ? { password: i.password } : {}),
      roles: [{ rolename: i.rolename, priority: 0 }],
    },
  ];
  if (i.disabled) cmds.push({ command: 'disableClient', username: i.username });
  return cmds;
}

/** Commands that add ACLs to a role (the plugin answers "already exists" for one it has). */
export function addAclCommands(rolename: string, acls: readonly DynsecAcl[]): DynsecCommand[] {
  return acls.map((a) => ({ command: 'addRoleACL', rolename, priority: 0, ...a }));
}

/** Commands that take ACLs, named by type and topic, off a role. */
export function removeAclCommands(
  rolename: string,
  acls: ReadonlyArray<{ readonly acltype: string; readonly topic: string }>,
): DynsecCommand[] {
  return acls.map((a) => ({ command: 'removeRoleACL', rolename, acltype: a.acltype, topic: a.topic }));
}

/** Commands that remove an identity (the broker disconnects it at once). */
export function deleteIdentityCommands(username: string, rolename: string): DynsecCommand[] {
  return [
    { command: 'deleteClient', username },
    { command: 'deleteRole', rolename },
  ];
}

/** Whether an id is one the IOC keeps for itself. */
export function isReservedId(id: string): boolean {
  return RESERVED_ID_PREFIXES.some((p) => id.startsWith(p));
}
