import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '@ioc/platform';
import type { City } from '@ioc/city';
import { planConnections, pointInPolygon, preparePolygon, type PreparedPolygon } from '@ioc/city';
import { seedDevicePassword, feedbackTopic, type MqttCredentials } from '@ioc/contracts';
import type { DeviceType } from '@ioc/domain';
import type { RegisteredDevice, RegisteredGateway, RegistryRepository, RegistryTransaction } from '@ioc/storage';
import type { RegistryChangeTap } from '@ioc/queue';
import {
  addAclCommands,
  createIdentityCommands,
  deleteIdentityCommands,
  deviceAcls,
  deviceRoleName,
  gatewayAcls,
  gatewayRoleName,
  isReservedId,
  removeAclCommands,
  RESERVED_ID_PREFIXES,
  type BrokerIdentity,
  type DynsecAcl,
  type DynsecCommand,
} from './broker-acl';
import type { DynsecClient } from './dynsec.client';
import { RegistryError } from './registry.errors';

export type RegistryKind = 'device' | 'gateway';

export interface NewDeviceInput {
  readonly id: string;
  readonly type: DeviceType;
  readonly name?: string;
  readonly wardId?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly gatewayId?: string;
  /** The provisioning key that created it (self-provisioning), if any. */
  readonly provisionedBy?: string;
}

export interface NewGatewayInput {
  readonly id: string;
  readonly name?: string;
  readonly wardId?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly deviceIds?: readonly string[];
}

/** A new password for an identity: returned to the caller once, never stored in clear nor logged. */
export function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The IOC keeps a SHA-256 of each issued password (the broker keeps its own PBKDF2 hash): enough to tell which
 * credential was issued, and to check one, for a 192-bit random secret that no dictionary holds.
 */
export function credentialHash(password: string): string {
  return `sha256:${createHash('sha256').update(password).digest('hex')}`;
}

/**
 * The device plane's registry: devices and gateways in the database, their identities and ACLs in the broker (through
 * the Dynamic Security plugin), kept in step. Every change is written to the database inside a transaction that
 * commits only once the broker has applied the matching commands, so a failure leaves neither half-done; ingest in this
 * process hears of each change at once (RegistryChangeTap).
 */
export class RegistryService {
  private wardShapes: Array<{ id: string; shape: PreparedPolygon }> | undefined;

  constructor(
    private readonly repo: RegistryRepository,
    private readonly broker: DynsecClient | undefined,
    private readonly city: City,
    private readonly changes: RegistryChangeTap,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly seedSecret: string | undefined,
  ) {}

  /** Whether the broker's identities are managed here (an admin identity is configured). */
  get managesBroker(): boolean {
    return this.broker !== undefined;
  }

  devices(): Promise<RegisteredDevice[]> {
    return this.repo.devices();
  }

  gateways(): Promise<RegisteredGateway[]> {
    return this.repo.gateways();
  }

  async device(id: string): Promise<RegisteredDevice> {
    const d = await this.repo.device(id);
    if (!d) throw new RegistryError('REGISTRY_NOT_FOUND', `device "${id}" is not registered`, { id });
    return d;
  }

  async gateway(id: string): Promise<RegisteredGateway> {
    const g = await this.repo.gateway(id);
    if (!g) throw new RegistryError('REGISTRY_NOT_FOUND', `gateway "${id}" is not registered`, { id });
    return g;
  }

  /**
   * Registers devices (all or none) and returns each one's credentials, this once. A device that hangs off a gateway
   * (a LoRaWAN sensor, say) speaks only through it, so it gets no broker identity and no credentials of its own.
   * `precondition` runs first in the same transaction (a provisioning key's claim): when it throws, nothing is
   * registered and its own writes are undone.
   */
  async createDevices(
    inputs: readonly NewDeviceInput[],
    opts: { readonly precondition?: (t: RegistryTransaction) => Promise<void> } = {},
  ): Promise<Array<{ device: RegisteredDevice; credentials: MqttCredentials | null }>> {
    const ids = new Set<string>();
    for (const d of inputs) {
      this.checkId(d.id);
      if (ids.has(d.id)) throw new RegistryError('REGISTRY_INVALID', `device "${d.id}" is listed twice`, { id: d.id });
      ids.add(d.id);
    }
    const placed = inputs.map((d) => ({ ...d, ...this.place(d) }));
    const passwords = new Map(inputs.filter((d) => !d.gatewayId).map((d) => [d.id, newPassword()]));
    await this.repo.transaction(async (t) => {
      await opts.precondition?.(t);
      const gatewayIds = [...new Set(inputs.map((d) => d.gatewayId).filter((g): g is string => !!g))];
      const gateways = await Promise.all(gatewayIds.map((g) => t.gatewayForUpdate(g)));
      const missing = gatewayIds.filter((_, i) => !gateways[i]);
      if (missing.length)
        throw new RegistryError('REGISTRY_NOT_FOUND', `gateway "${missing[0]}" is not registered`, { id: missing[0] });
      const clash = await t.existingGateways([...ids]);
      if (clash.length)
        throw new RegistryError('REGISTRY_EXISTS', `"${clash[0]}" is a gateway's id`, { ids: clash.slice(0, 20) });
      const existing = await t.insertDevices(
        placed.map((d) => ({
          id: d.id,
          type: d.type,
          name: d.name ?? null,
          wardCode: d.wardId,
          lat: d.lat,
          lon: d.lon,
          gatewayId: d.gatewayId ?? null,
          credentialHash: passwords.has(d.id) ? credentialHash(passwords.get(d.id)!) : null,
          provisionedBy: d.provisionedBy ?? null,
        })),
      );
      if (existing.length)
        throw new RegistryError('REGISTRY_EXISTS', `device "${existing[0]}" is already registered`, {
          ids: existing.slice(0, 20),
        });
      const commands: DynsecCommand[] = inputs
        .filter((d) => !d.gatewayId)
        .flatMap((d) =>
          createIdentityCommands({
            username: d.id,
            rolename: deviceRoleName(d.id),
            acls: deviceAcls(d.id, d.type),
            password: passwords.get(d.id),
          }),
        );
      for (const g of gateways) {
        if (!g) continue;
        const added = inputs.filter((d) => d.gatewayId === g.id).map((d) => d.id);
        commands.push(...addAclCommands(gatewayRoleName(g.id), added.flatMap(feedbackAclsOf)));
      }
      await this.broker?.send(commands);
    });
    this.changes.emit([...ids]);
    const devices = new Map((await this.repo.devicesWithIds([...ids])).map((d) => [d.id, d]));
    this.logger.info({ devices: inputs.length, first: inputs[0]?.id }, 'devices registered');
    return inputs.map((d) => ({
      device: devices.get(d.id)!,
      credentials: passwords.has(d.id) ? credentialsOf(d.id, passwords.get(d.id)!, deviceAcls(d.id, d.type)) : null,
    }));
  }

  async createGateway(input: NewGatewayInput): Promise<{ gateway: RegisteredGateway; credentials: MqttCredentials }> {
    this.checkId(input.id);
    const place: { wardId?: string; lat?: number; lon?: number } =
      input.wardId || input.lat !== undefined ? this.place(input) : {};
    const password = newPassword();
    const deviceIds = [...new Set(input.deviceIds ?? [])];
    await this.repo.transaction(async (t) => {
      if ((await t.existingDevices([input.id])).length)
        throw new RegistryError('REGISTRY_EXISTS', `"${input.id}" is a device's id`, { id: input.id });
      const existing = await t.insertGateways([
        {
          id: input.id,
          name: input.name ?? null,
          wardCode: place.wardId ?? null,
          lat: place.lat ?? null,
          lon: place.lon ?? null,
          credentialHash: credentialHash(password),
        },
      ]);
      if (existing.length)
        throw new RegistryError('REGISTRY_EXISTS', `gateway "${input.id}" is already registered`, { id: input.id });
      const commands = createIdentityCommands({
        username: input.id,
        rolename: gatewayRoleName(input.id),
        acls: gatewayAcls(input.id, []),
        password,
      });
      commands.push(...(await this.assignInTx(t, deviceIds, input.id)));
      await this.broker?.send(commands);
    });
    this.changes.emit([input.id, ...deviceIds]);
    this.logger.info({ gatewayId: input.id, devices: deviceIds.length }, 'gateway registered');
    const gateway = await this.gateway(input.id);
    return { gateway, credentials: credentialsOf(input.id, password, gatewayAcls(input.id, deviceIds)) };
  }

  /** Hangs the devices off the gateway (null: off any); the gateways' ACLs follow. */
  async assign(deviceIds: readonly string[], gatewayId: string | null): Promise<void> {
    const ids = [...new Set(deviceIds)];
    await this.repo.transaction(async (t) => {
      const commands = await this.assignInTx(t, ids, gatewayId);
      await this.broker?.send(commands);
    });
    this.changes.emit([...ids, ...(gatewayId ? [gatewayId] : [])]);
    this.logger.info({ gatewayId, devices: ids.length }, 'devices assigned');
  }

  /** Issues a new password; the old one stops working and its connection is closed by the broker at once. */
  async rotate(kind: RegistryKind, id: string): Promise<MqttCredentials> {
    const password = newPassword();
    let acls: DynsecAcl[] = [];
    await this.repo.transaction(async (t) => {
      if (kind === 'device') {
        const d = await t.deviceForUpdate(id);
        if (!d) throw new RegistryError('REGISTRY_NOT_FOUND', `device "${id}" is not registered`, { id });
        if (d.gatewayId)
          throw new RegistryError(
            'REGISTRY_INVALID',
            `device "${id}" speaks through gateway "${d.gatewayId}" and has no credentials of its own; take it off the gateway first`,
            { id, gatewayId: d.gatewayId },
          );
        acls = deviceAcls(id, d.type);
      } else {
        const g = await t.gatewayForUpdate(id);
        if (!g) throw new RegistryError('REGISTRY_NOT_FOUND', `gateway "${id}" is not registered`, { id });
        acls = gatewayAcls(id, g.deviceIds);
      }
      await t.setCredential(kind, id, credentialHash(password), this.clock.now());
      await this.broker?.send([{ command: 'setClientPassword', username: id, password }]);
    });
    this.logger.info({ [kind === 'device' ? 'deviceId' : 'gatewayId']: id }, 'credential rotated');
    return credentialsOf(id, password, acls);
  }

  /** Disables or enables an identity: disabled, it is disconnected at once and can neither connect nor publish. */
  async setEnabled(kind: RegistryKind, id: string, enabled: boolean): Promise<void> {
    await this.repo.transaction(async (t) => {
      const found = kind === 'device' ? await t.deviceForUpdate(id) : await t.gatewayForUpdate(id);
      if (!found) throw new RegistryError('REGISTRY_NOT_FOUND', `${kind} "${id}" is not registered`, { id });
      await t.setStatus(kind, id, enabled ? 'active' : 'disabled');
      // A device behind a gateway has no identity to disable: the ingest refuses its entries (DEVICE_DISABLED).
      if (kind === 'gateway' || !(found as RegisteredDevice).gatewayId)
        await this.broker?.send([{ command: enabled ? 'enableClient' : 'disableClient', username: id }]);
    });
    this.changes.emit([id]);
    this.logger.info({ [kind === 'device' ? 'deviceId' : 'gatewayId']: id, enabled }, 'identity status changed');
  }

  /** Deletes an identity: the broker forgets it (and disconnects it); its stored history stays. */
  async remove(kind: RegistryKind, id: string): Promise<void> {
    let affected: string[] = [id];
    await this.repo.transaction(async (t) => {
      const commands: DynsecCommand[] = [];
      if (kind === 'device') {
        const d = await t.deviceForUpdate(id);
        if (!d) throw new RegistryError('REGISTRY_NOT_FOUND', `device "${id}" is not registered`, { id });
        await t.deleteDevice(id);
        if (d.gatewayId) commands.push(...removeAclCommands(gatewayRoleName(d.gatewayId), feedbackAclsOf(id)));
        else commands.push(...deleteIdentityCommands(id, deviceRoleName(id)));
      } else {
        const g = await t.gatewayForUpdate(id);
        if (!g) throw new RegistryError('REGISTRY_NOT_FOUND', `gateway "${id}" is not registered`, { id });
        affected = [id, ...g.deviceIds];
        await t.deleteGateway(id);
        commands.push(...deleteIdentityCommands(id, gatewayRoleName(id)));
        // Its devices are direct now: each gets an identity, without a password until one is rotated.
        for (const d of await t.devicesForUpdate(g.deviceIds))
          commands.push(...createIdentityCommands(directIdentity(d)));
      }
      await this.broker?.send(commands);
    });
    this.changes.emit(affected);
    this.logger.info({ [kind === 'device' ? 'deviceId' : 'gatewayId']: id }, 'identity deleted');
  }

  /**
   * At the first start: registers the city's devices (seeds/devices.json) and the gateways of its connection plan.
   * Later starts leave the registry as its users made it. With DEVICE_SEED_SECRET (development), their passwords derive
   * from it; otherwise they have none until an integrator rotates one.
   */
  async seedCity(): Promise<number> {
    if (await this.repo.seededAt()) return 0;
    const plan = planConnections(this.city.devices);
    const wardOf = new Map<string, string>();
    for (const d of this.city.devices) if (plan.gatewayOf.has(d.id)) wardOf.set(plan.gatewayOf.get(d.id)!, d.ward);
    const seeded = await this.repo.transaction(async (t) => {
      if (!(await t.markSeeded(this.clock.now()))) return 0;
      const pw = (id: string) => (this.seedSecret ? seedDevicePassword(this.seedSecret, id) : undefined);
      const hash = (id: string) => {
        const p = pw(id);
        return p ? credentialHash(p) : null;
      };
      await t.insertGateways(
        plan.gateways.map((id) => ({ id, wardCode: wardOf.get(id) ?? null, credentialHash: hash(id) })),
      );
      await t.insertDevices(
        this.city.devices.map((d) => ({
          id: d.id,
          type: d.type,
          wardCode: d.ward,
          lat: d.lat,
          lon: d.lon,
          gatewayId: plan.gatewayOf.get(d.id) ?? null,
          credentialHash: hash(d.id),
          provisionedBy: 'seed',
        })),
      );
      return this.city.devices.length;
    });
    if (seeded) {
      this.changes.emit([...plan.gateways, ...this.city.devices.map((d) => d.id)]);
      this.logger.info({ devices: seeded, gateways: plan.gateways.length }, 'city devices registered');
    }
    return seeded;
  }

  /**
   * Brings the broker's identities in step with the registry: creates what is missing (seed devices with their
   * derived password, others without one), fixes disabled flags and gateway ACLs, removes device and gateway
   * identities the registry no longer has. Run at every start of the api role.
   */
  /**
   * Whether `password` is the current password of an enabled gateway `id` (the one its broker identity was given): how
   * a FIWARE context broker, registered as a gateway, signs its notifications over HTTP. Compared in constant time.
   */
  async verifyGatewayPassword(id: string, password: string): Promise<boolean> {
    const found = await this.repo.gatewayCredential(id);
    if (!found?.credentialHash || found.status !== 'active') return false;
    const given = Buffer.from(credentialHash(password));
    const stored = Buffer.from(found.credentialHash);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  async reconcile(): Promise<{ created: number; removed: number; fixed: number }> {
    if (!this.broker) return { created: 0, removed: 0, fixed: 0 };
    const [devices, gateways] = await Promise.all([this.repo.devices(), this.repo.gateways()]);
    const [clientsRes] = await this.broker.send([{ command: 'listClients', verbose: true }]);
    const clients = new Map<string, { disabled: boolean }>();
    for (const c of (clientsRes.data?.clients as Array<{ username: string; disabled?: boolean }>) ?? []) {
      clients.set(c.username, { disabled: !!c.disabled });
    }
    const [rolesRes] = await this.broker.send([{ command: 'listRoles', verbose: true }]);
    const roles = new Map<string, Array<{ acltype: string; topic: string }>>();
    for (const r of (rolesRes.data?.roles as Array<{
      rolename: string;
      acls?: Array<{ acltype: string; topic: string }>;
    }>) ?? []) {
      roles.set(r.rolename, r.acls ?? []);
    }
    const commands: DynsecCommand[] = [];
    let created = 0;
    let fixed = 0;
    const wanted = new Set<string>();
    const seedGateways = new Set(planConnections(this.city.devices).gateways);
    const seedPw = (id: string, seed: boolean) =>
      this.seedSecret && seed ? seedDevicePassword(this.seedSecret, id) : undefined;
    for (const d of devices) {
      if (d.gatewayId) continue; // speaks through its gateway: no identity of its own
      wanted.add(d.id);
      const have = clients.get(d.id);
      if (!have) {
        created++;
        if (roles.has(deviceRoleName(d.id))) commands.push({ command: 'deleteRole', rolename: deviceRoleName(d.id) });
        commands.push(
          ...createIdentityCommands({
            username: d.id,
            rolename: deviceRoleName(d.id),
            acls: deviceAcls(d.id, d.type),
            password: seedPw(d.id, d.provisionedBy === 'seed'),
            disabled: d.status === 'disabled',
          }),
        );
        continue;
      }
      if (have.disabled !== (d.status === 'disabled')) {
        fixed++;
        commands.push({ command: d.status === 'disabled' ? 'disableClient' : 'enableClient', username: d.id });
      }
      // A role made by an earlier version (before the standard-format topics, say) gets the ACLs this one grants.
      const drift = aclDrift(roles.get(deviceRoleName(d.id)), deviceAcls(d.id, d.type));
      if (drift.add.length || drift.drop.length) fixed++;
      commands.push(...addAclCommands(deviceRoleName(d.id), drift.add));
      commands.push(...removeAclCommands(deviceRoleName(d.id), drift.drop));
    }
    for (const g of gateways) {
      wanted.add(g.id);
      const acls = gatewayAcls(g.id, g.deviceIds);
      const have = clients.get(g.id);
      const role = roles.get(gatewayRoleName(g.id));
      if (!have) {
        created++;
        if (role) commands.push({ command: 'deleteRole', rolename: gatewayRoleName(g.id) });
        commands.push(
          ...createIdentityCommands({
            username: g.id,
            rolename: gatewayRoleName(g.id),
            acls,
            password: seedPw(g.id, seedGateways.has(g.id)),
            disabled: g.status === 'disabled',
          }),
        );
        continue;
      }
      if (have.disabled !== (g.status === 'disabled')) {
        fixed++;
        commands.push({ command: g.status === 'disabled' ? 'disableClient' : 'enableClient', username: g.id });
      }
      const { add, drop } = aclDrift(role, acls);
      if (add.length || drop.length) fixed++;
      commands.push(...addAclCommands(gatewayRoleName(g.id), add));
      commands.push(...removeAclCommands(gatewayRoleName(g.id), drop));
    }
    let removed = 0;
    for (const [username] of clients) {
      if (wanted.has(username) || isReservedId(username)) continue;
      const role = roles.has(deviceRoleName(username))
        ? deviceRoleName(username)
        : roles.has(gatewayRoleName(username))
          ? gatewayRoleName(username)
          : undefined;
      if (!role) continue; // not one of the registry's identities (e.g. an operator's own)
      removed++;
      commands.push(...deleteIdentityCommands(username, role));
    }
    await this.broker.send(commands, true);
    this.logger.info({ created, removed, fixed, commands: commands.length }, 'broker identities reconciled');
    return { created, removed, fixed };
  }

  private async assignInTx(t: RegistryTransaction, ids: readonly string[], gatewayId: string | null) {
    if (!ids.length) return [];
    const commands: DynsecCommand[] = [];
    if (gatewayId && !(await t.gatewayForUpdate(gatewayId)))
      throw new RegistryError('REGISTRY_NOT_FOUND', `gateway "${gatewayId}" is not registered`, { id: gatewayId });
    const before = await t.devicesForUpdate(ids);
    const found = new Set(before.map((d) => d.id));
    const unknown = ids.filter((i) => !found.has(i));
    if (unknown.length)
      throw new RegistryError('REGISTRY_NOT_FOUND', `device "${unknown[0]}" is not registered`, {
        ids: unknown.slice(0, 20),
      });
    await t.assign(ids, gatewayId);
    for (const d of before) {
      if (d.gatewayId === gatewayId) continue;
      if (d.gatewayId) commands.push(...removeAclCommands(gatewayRoleName(d.gatewayId), feedbackAclsOf(d.id)));
      // Onto a gateway, a device's own identity goes (and its session with it); off one, it gets an identity back,
      // without a password until one is rotated.
      if (!d.gatewayId) commands.push(...deleteIdentityCommands(d.id, deviceRoleName(d.id)));
      if (!gatewayId) commands.push(...createIdentityCommands(directIdentity(d)));
    }
    if (gatewayId) {
      const added = before.filter((d) => d.gatewayId !== gatewayId).map((d) => d.id);
      commands.push(...addAclCommands(gatewayRoleName(gatewayId), added.flatMap(feedbackAclsOf)));
    }
    return commands;
  }

  /**
   * Where a new device or gateway is: its ward (checked against the city) and position, or the ward its position lies
   * in. REGISTRY_INVALID for a ward the city does not have or a position in none of its wards.
   */
  place(d: { wardId?: string; lat?: number; lon?: number }): { wardId: string; lat?: number; lon?: number } {
    if (d.wardId) {
      if (!this.city.wards.some((w) => w.id === d.wardId))
        throw new RegistryError('REGISTRY_INVALID', `ward "${d.wardId}" is not one of the city's wards`, {
          wardId: d.wardId,
        });
      return { wardId: d.wardId, lat: d.lat, lon: d.lon };
    }
    this.wardShapes ??= this.city.wards.map((w) => ({ id: w.id, shape: preparePolygon(w.ring) }));
    const ward = this.wardShapes.find((w) => pointInPolygon([d.lon!, d.lat!], w.shape));
    if (!ward)
      throw new RegistryError('REGISTRY_INVALID', `position ${d.lat}, ${d.lon} is in none of the city's wards`, {
        lat: d.lat,
        lon: d.lon,
      });
    return { wardId: ward.id, lat: d.lat, lon: d.lon };
  }

  private checkId(id: string): void {
    if (isReservedId(id))
      throw new RegistryError(
        'REGISTRY_ID_RESERVED',
        `ids starting with ${RESERVED_ID_PREFIXES.join(' or ')} are the IOC's own: "${id}"`,
        { id },
      );
  }
}

/** A direct device's broker identity, without a password (rotate issues one), disabled if the device is. */
function directIdentity(d: RegisteredDevice): BrokerIdentity {
  return {
    username: d.id,
    rolename: deviceRoleName(d.id),
    acls: deviceAcls(d.id, d.type),
    disabled: d.status === 'disabled',
  };
}

function feedbackAclsOf(deviceId: string): DynsecAcl[] {
  return [
    { acltype: 'subscribeLiteral', topic: feedbackTopic(deviceId), allow: true },
    { acltype: 'publishClientReceive', topic: feedbackTopic(deviceId), allow: true },
  ];
}

function credentialsOf(id: string, password: string, acls: readonly DynsecAcl[]): MqttCredentials {
  return {
    username: id,
    password,
    clientId: id,
    publish: acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic),
    subscribe: acls.filter((a) => a.acltype === 'subscribeLiteral').map((a) => a.topic),
  };
}

/** The ACLs a role lacks and the ones it has but should not, compared by type and topic. */
function aclDrift(
  have: ReadonlyArray<{ acltype: string; topic: string }> | undefined,
  want: readonly DynsecAcl[],
): { add: DynsecAcl[]; drop: Array<{ acltype: string; topic: string }> } {
  const key = (a: { acltype: string; topic: string }) => `${a.acltype} ${a.topic}`;
  const haveKeys = new Set((have ?? []).map(key));
  const wantKeys = new Set(want.map(key));
  return {
    add: want.filter((a) => !haveKeys.has(key(a))),
    drop: (have ?? []).filter((a) => !wantKeys.has(key(a))).map((a) => ({ acltype: a.acltype, topic: a.topic })),
  };
}
