import { writeFileSync } from 'node:fs';
import { PROVISION_ROOT, PROVISION_SUBSCRIPTION, TOPIC_FILTERS } from '@ioc/contracts';
import { dynsecPasswordHash } from './dynsec-password';

/** The plugin's command topic; answers come on `<topic>/response`. */
export const DYNSEC_CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const IOC_ADMIN_ROLE = 'ioc-admin';
export const IOC_INGEST_ROLE = 'ioc-ingest';

export type DynsecAclType =
  | 'publishClientSend'
  | 'publishClientReceive'
  | 'subscribeLiteral'
  | 'subscribePattern'
  | 'unsubscribeLiteral'
  | 'unsubscribePattern';

export interface DynsecAcl {
  readonly acltype: DynsecAclType;
  readonly topic: string;
  readonly allow: boolean;
  readonly priority?: number;
}

export interface DynsecRole {
  readonly rolename: string;
  readonly textname?: string;
  readonly acls: readonly DynsecAcl[];
}

export interface DynsecClient {
  readonly username: string;
  readonly textname?: string;
  /** Set: this username may connect with this client id only. */
  readonly clientid?: string;
  readonly password: string;
  readonly salt: string;
  readonly iterations: number;
  readonly roles: ReadonlyArray<{ rolename: string; priority?: number }>;
}

/** The plugin's state file (`plugin_opt_config_file`), as far as we write it. */
export interface DynsecState {
  readonly defaultACLAccess: {
    readonly publishClientSend: boolean;
    readonly publishClientReceive: boolean;
    readonly subscribe: boolean;
    readonly unsubscribe: boolean;
  };
  readonly clients: readonly DynsecClient[];
  readonly groups: readonly [];
  readonly roles: readonly DynsecRole[];
}

export interface BrokerCredentials {
  readonly username: string;
  readonly password: string;
}

/** An identity beyond the IOC's two (the test harness's trusted publisher): one client with one role of its own. */
export interface ExtraIdentity {
  readonly credentials: BrokerCredentials;
  readonly role: DynsecRole;
  readonly clientid?: string;
}

export interface InitialDynsecOptions {
  readonly admin: BrokerCredentials;
  readonly ingest: BrokerCredentials & { readonly shareGroup: string };
  readonly extra?: readonly ExtraIdentity[];
}

/** Nothing is allowed that a role does not allow, except unsubscribing (which can only take rights away). */
export const DEFAULT_ACL_ACCESS: DynsecState['defaultACLAccess'] = {
  publishClientSend: false,
  publishClientReceive: false,
  subscribe: false,
  unsubscribe: true,
};

const allow = (acltype: DynsecAclType, topic: string): DynsecAcl => ({ acltype, topic, allow: true });

/** The IOC's administrator: manages identities and roles over the plugin's command topic, nothing else. */
export function adminRole(): DynsecRole {
  const control = '$CONTROL/dynamic-security/#';
  return {
    rolename: IOC_ADMIN_ROLE,
    textname: 'IOC registry: manages the broker identities',
    acls: [
      allow('publishClientSend', control),
      allow('publishClientReceive', control),
      allow('subscribePattern', control),
      // Fleet self-provisioning: requests through the api processes' share, answers on each key's response topic.
      allow('subscribePattern', PROVISION_SUBSCRIPTION),
      allow('subscribePattern', TOPIC_FILTERS.provisionRequest),
      allow('publishClientReceive', TOPIC_FILTERS.provisionRequest),
      allow('publishClientSend', `${PROVISION_ROOT}/+/response`),
    ],
  };
}

/**
 * The IOC's ingest sessions: the only identity that may join the ingest shared subscription (the plugin checks a
 * subscription as written, `$share/<group>/…` included, so a role allowed `ioc/v1/#` cannot join the share) and
 * publish rejection notices on the feedback topics.
 */
export function ingestRole(shareGroup: string): DynsecRole {
  return {
    rolename: IOC_INGEST_ROLE,
    textname: 'IOC ingest: reads every device message, answers on the feedback topics',
    acls: [
      allow('subscribePattern', `$share/${shareGroup}/${TOPIC_FILTERS.all}`),
      allow('subscribePattern', TOPIC_FILTERS.all),
      allow('publishClientReceive', TOPIC_FILTERS.all),
      allow('publishClientSend', TOPIC_FILTERS.feedback),
    ],
  };
}

function client(c: BrokerCredentials, rolename: string, textname: string, clientid?: string): DynsecClient {
  return {
    username: c.username,
    textname,
    ...(clientid !== undefined && { clientid }),
    ...dynsecPasswordHash(c.password),
    roles: [{ rolename }],
  };
}

/** The state a new broker starts from: the IOC's admin and ingest identities (plus `extra`), nothing else. */
export function initialDynsecState(o: InitialDynsecOptions): DynsecState {
  const names = [o.admin.username, o.ingest.username, ...(o.extra ?? []).map((e) => e.credentials.username)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`broker identity "${dup}" given twice`);
  return {
    defaultACLAccess: DEFAULT_ACL_ACCESS,
    clients: [
      client(o.admin, IOC_ADMIN_ROLE, 'IOC registry (dynamic security admin)'),
      client(o.ingest, IOC_INGEST_ROLE, 'IOC ingest sessions'),
      ...(o.extra ?? []).map((e) => client(e.credentials, e.role.rolename, e.role.textname ?? '', e.clientid)),
    ],
    groups: [],
    roles: [adminRole(), ingestRole(o.ingest.shareGroup), ...(o.extra ?? []).map((e) => e.role)],
  };
}

/**
 * Writes the plugin's state file for a new broker (Mosquitto 2.0 has no other way to bootstrap it), mode 0600. An
 * existing file is the broker's own state (identities added since) and is left alone: returns false then.
 */
export function writeInitialDynsec(file: string, o: InitialDynsecOptions): boolean {
  const state = initialDynsecState(o);
  try {
    writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
