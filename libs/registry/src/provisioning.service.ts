import type { Logger } from 'pino';
import type { City } from '@ioc/city';
import {
  provisionRequestTopic,
  provisionResponseTopic,
  type CreateProvisioningKeyRequest,
  type MqttCredentials,
  type ProvisionRequest,
  type ProvisioningKeyCredentials,
} from '@ioc/contracts';
import type { Clock } from '@ioc/platform';
import type { ProvisioningKeyRecord, RegistryRepository } from '@ioc/storage';
import {
  createIdentityCommands,
  deleteIdentityCommands,
  provisioningAcls,
  provisioningRoleName,
  provisioningUsername,
} from './broker-acl';
import type { DynsecClient } from './dynsec.client';
import { keyRefusal } from './provision-request';
import { RegistryError } from './registry.errors';
import { credentialHash, newPassword, type RegistryService } from './registry.service';

/**
 * Fleet self-provisioning, as ThingsBoard does it: an admin or integrator creates a key (device types, wards, how many
 * devices, until when); the key is an MQTT identity of its own (`prov-<keyId>`, its secret shown once) that may only
 * publish requests on its request topic and read its response topic. A device holding it asks for its identity there
 * and gets its own credentials within the key's limits. The IOC keeps only a hash of the key's secret; the broker
 * checks it. Revoking or expiring a key removes its identity from the broker, which disconnects its sessions at once.
 */
export class ProvisioningService {
  /** Ended keys whose broker identity this process has removed (each is removed once per process). */
  private readonly swept = new Set<string>();

  constructor(
    private readonly repo: RegistryRepository,
    private readonly registry: RegistryService,
    private readonly broker: DynsecClient | undefined,
    private readonly city: City,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Creates a key and its broker identity; the secret is in the answer this once, never stored nor logged. */
  async createKey(
    input: CreateProvisioningKeyRequest,
    createdBy: string,
  ): Promise<{ key: ProvisioningKeyRecord; credentials: ProvisioningKeyCredentials }> {
    const broker = this.requireBroker();
    const expiresAt = new Date(input.expiresAt);
    if (expiresAt.getTime() <= this.clock.nowMs())
      throw new RegistryError('REGISTRY_INVALID', `expiresAt ${input.expiresAt} is not in the future`, {
        expiresAt: input.expiresAt,
      });
    const unknown = input.wardIds.filter((w) => !this.city.wards.some((c) => c.id === w));
    if (unknown.length)
      throw new RegistryError('REGISTRY_INVALID', `ward "${unknown[0]}" is not one of the city's wards`, {
        wardIds: unknown,
      });
    const secret = newPassword();
    const username = provisioningUsername(input.id);
    const key = await this.repo.transaction(async (t) => {
      const inserted = await t.insertProvisioningKey({
        id: input.id,
        secretHash: credentialHash(secret),
        deviceTypes: [...new Set(input.deviceTypes)],
        wardCodes: [...new Set(input.wardIds)],
        maxDevices: input.maxDevices,
        expiresAt,
        createdBy,
      });
      if (!inserted)
        throw new RegistryError('REGISTRY_EXISTS', `provisioning key "${input.id}" exists already`, { id: input.id });
      await broker.send(
        createIdentityCommands({
          username,
          rolename: provisioningRoleName(input.id),
          acls: provisioningAcls(input.id),
          password: secret,
        }),
      );
      return inserted;
    });
    this.logger.info(
      { keyId: key.id, maxDevices: key.maxDevices, expiresAt: key.expiresAt.toISOString(), createdBy },
      'provisioning key created',
    );
    return {
      key,
      credentials: {
        username,
        password: secret,
        clientId: username,
        requestTopic: provisionRequestTopic(key.id),
        responseTopic: provisionResponseTopic(key.id),
      },
    };
  }

  keys(): Promise<ProvisioningKeyRecord[]> {
    return this.repo.provisioningKeys();
  }

  /**
   * Revokes a key: no device is provisioned with it any more, and its broker identity is removed (its sessions are
   * disconnected at once). Revoking again is harmless and removes a broker identity a failed attempt left.
   */
  async revoke(id: string): Promise<void> {
    const key = await this.repo.provisioningKey(id);
    if (!key) throw new RegistryError('REGISTRY_NOT_FOUND', `provisioning key "${id}" does not exist`, { id });
    await this.repo.revokeProvisioningKey(id, this.clock.now());
    await this.broker?.send(deleteIdentityCommands(provisioningUsername(id), provisioningRoleName(id)), true);
    this.swept.add(id);
    this.logger.info({ keyId: id }, 'provisioning key revoked');
  }

  /**
   * Removes the broker identities of keys that ended: expired, or revoked while the broker was away. Run every minute
   * by the api role: a request on such a key is refused anyway; this closes its sessions and stops it connecting.
   * Returns the keys it removed.
   */
  async sweep(): Promise<string[]> {
    if (!this.broker) return [];
    const ids = (await this.repo.endedProvisioningKeys(this.clock.now())).filter((id) => !this.swept.has(id));
    if (!ids.length) return [];
    await this.broker.send(
      ids.flatMap((id) => deleteIdentityCommands(provisioningUsername(id), provisioningRoleName(id))),
      true,
    );
    for (const id of ids) this.swept.add(id);
    this.logger.info({ keys: ids.length, first: ids[0] }, 'ended provisioning keys removed from the broker');
    return ids;
  }

  /**
   * Registers the device a key's holder asks for, within the key's limits, and returns its credentials (this once).
   * The key's use is counted in the transaction that registers the device, so concurrent requests never exceed
   * maxDevices and a refused registration uses nothing. An id that exists (device, gateway or any broker identity) is
   * refused: no request takes over an identity.
   */
  async provision(keyId: string, request: ProvisionRequest): Promise<MqttCredentials> {
    const now = this.clock.now();
    const place = this.registry.place(request);
    const device = { type: request.type, wardId: place.wardId };
    const refusal = keyRefusal(await this.repo.provisioningKey(keyId), device, now);
    if (refusal) throw new RegistryError(refusal.code, refusal.reason, { keyId });
    if (await this.repo.gateway(request.deviceId))
      throw new RegistryError('REGISTRY_EXISTS', `"${request.deviceId}" is a registered gateway`, {
        id: request.deviceId,
      });
    let claimed = true;
    try {
      const [r] = await this.registry.createDevices(
        [{ id: request.deviceId, type: request.type, ...place, provisionedBy: keyId }],
        {
          precondition: async (t) => {
            claimed = (await t.claimProvisioningKey(keyId, now)) !== null;
            if (!claimed) throw new RegistryError('PROVISIONING_KEY_EXHAUSTED', 'the key is used up', { keyId });
          },
        },
      );
      // A provisioned device connects directly (no gatewayId), so it always has credentials.
      if (!r.credentials) throw new RegistryError('REGISTRY_INVALID', 'a provisioned device must connect directly');
      return r.credentials;
    } catch (err) {
      if (!claimed) {
        // Used up, revoked or expired since it was read: say which, now that the transaction has let go of its
        // connection (reading in it from the pool could wait forever on a pool that concurrent claims hold).
        const why = keyRefusal(await this.repo.provisioningKey(keyId), device, now);
        if (why) throw new RegistryError(why.code, why.reason, { keyId });
      }
      // The broker knows the id already (an identity outside the registry): refused like any existing id.
      if (err instanceof RegistryError && err.code === 'BROKER_ADMIN_REFUSED' && /already exists/i.test(err.message))
        throw new RegistryError('REGISTRY_EXISTS', `"${request.deviceId}" is an existing broker identity`, {
          id: request.deviceId,
        });
      throw err;
    }
  }

  private requireBroker(): DynsecClient {
    if (!this.broker)
      throw new RegistryError(
        'BROKER_ADMIN_UNAVAILABLE',
        "fleet provisioning needs the broker's admin identity (MQTT_ADMIN_PASSWORD): broker security is off",
      );
    return this.broker;
  }
}
