import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DOMAIN_OF_DEVICE_TYPE, type DeviceStatus, type DeviceType } from '@ioc/domain';
import { DATABASE, type Database } from './database';
import { chunkBySize } from './statement-size';
import { inTransaction } from './transaction';

/** A device as the registry sees it: identity, placement, gateway, credential state. */
export interface RegisteredDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly name: string | null;
  readonly wardCode: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly status: DeviceStatus;
  readonly gatewayId: string | null;
  readonly credentialIssuedAt: Date | null;
  readonly provisionedBy: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
}

export interface RegisteredGateway {
  readonly id: string;
  readonly name: string | null;
  readonly wardCode: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly status: DeviceStatus;
  readonly credentialIssuedAt: Date | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
  /** Devices assigned to the gateway, in id order. */
  readonly deviceIds: readonly string[];
}

export interface NewRegisteredDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly name?: string | null;
  readonly wardCode?: string | null;
  readonly zoneId?: string | null;
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly gatewayId?: string | null;
  readonly credentialHash?: string | null;
  readonly provisionedBy?: string | null;
  readonly attrs?: Readonly<Record<string, unknown>>;
}

export interface NewRegisteredGateway {
  readonly id: string;
  readonly name?: string | null;
  readonly wardCode?: string | null;
  readonly lat?: number | null;
  readonly lon?: number | null;
  readonly credentialHash?: string | null;
}

export interface ProvisioningKeyRecord {
  readonly id: string;
  readonly deviceTypes: readonly DeviceType[];
  readonly wardCodes: readonly string[];
  readonly maxDevices: number;
  readonly used: number;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface NewProvisioningKey {
  readonly id: string;
  readonly secretHash: string;
  readonly deviceTypes: readonly DeviceType[];
  readonly wardCodes: readonly string[];
  readonly maxDevices: number;
  readonly expiresAt: Date;
  readonly createdBy: string;
}

interface DeviceRow {
  id: string;
  type: DeviceType;
  name: string | null;
  ward_code: string | null;
  lat: number | null;
  lon: number | null;
  status: DeviceStatus;
  gateway_id: string | null;
  credential_issued_at: Date | null;
  provisioned_by: string | null;
  created_at: Date;
  last_seen_at: Date | null;
}

interface GatewayRow {
  id: string;
  name: string | null;
  ward_code: string | null;
  lat: number | null;
  lon: number | null;
  status: DeviceStatus;
  credential_issued_at: Date | null;
  created_at: Date;
  last_seen_at: Date | null;
  device_ids: string[] | null;
}

interface KeyRow {
  id: string;
  device_types: DeviceType[];
  ward_codes: string[];
  max_devices: number;
  used: number;
  expires_at: Date;
  revoked_at: Date | null;
  created_by: string;
  created_at: Date;
}

const toDevice = (r: DeviceRow): RegisteredDevice => ({
  id: r.id,
  type: r.type,
  name: r.name,
  wardCode: r.ward_code,
  lat: r.lat,
  lon: r.lon,
  status: r.status,
  gatewayId: r.gateway_id,
  credentialIssuedAt: r.credential_issued_at,
  provisionedBy: r.provisioned_by,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
});

const toGateway = (r: GatewayRow): RegisteredGateway => ({
  id: r.id,
  name: r.name,
  wardCode: r.ward_code,
  lat: r.lat,
  lon: r.lon,
  status: r.status,
  credentialIssuedAt: r.credential_issued_at,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  deviceIds: r.device_ids ?? [],
});

const toKey = (r: KeyRow): ProvisioningKeyRecord => ({
  id: r.id,
  deviceTypes: r.device_types,
  wardCodes: r.ward_codes,
  maxDevices: r.max_devices,
  used: r.used,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const SELECT_DEVICE = `
  SELECT id, type, name, ward_code, lat, lon, status, gateway_id, credential_issued_at, provisioned_by, created_at,
         last_seen_at
  FROM device`;

const SELECT_GATEWAY = `
  SELECT g.id, g.name, g.ward_code, g.lat, g.lon, g.status, g.credential_issued_at, g.created_at, g.last_seen_at,
         (SELECT array_agg(d.id ORDER BY d.id) FROM device d WHERE d.gateway_id = g.id) AS device_ids
  FROM gateway g`;

const SELECT_KEY = `
  SELECT id, device_types, ward_codes, max_devices, used, expires_at, revoked_at, created_by, created_at
  FROM provisioning_key`;

/** The device plane's registry: devices, gateways, credential state and provisioning keys. */
@Injectable()
export class RegistryRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Runs `fn` in one transaction; the registry's multi-row changes are all or nothing. */
  transaction<T>(fn: (tx: RegistryTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db.pool, (client) => fn(new RegistryTransaction(client, this.db.maxStatementBytes)));
  }

  async devices(): Promise<RegisteredDevice[]> {
    const { rows } = await this.db.pool.query<DeviceRow>(`${SELECT_DEVICE} ORDER BY id`);
    return rows.map(toDevice);
  }

  async device(id: string): Promise<RegisteredDevice | null> {
    const { rows } = await this.db.pool.query<DeviceRow>(`${SELECT_DEVICE} WHERE id = $1`, [id]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  /** The registered devices among `ids`, in one query (id order). */
  async devicesWithIds(ids: readonly string[]): Promise<RegisteredDevice[]> {
    const { rows } = await this.db.pool.query<DeviceRow>(`${SELECT_DEVICE} WHERE id = ANY($1::text[]) ORDER BY id`, [
      [...ids],
    ]);
    return rows.map(toDevice);
  }

  async gateways(): Promise<RegisteredGateway[]> {
    const { rows } = await this.db.pool.query<GatewayRow>(`${SELECT_GATEWAY} ORDER BY g.id`);
    return rows.map(toGateway);
  }

  async gateway(id: string): Promise<RegisteredGateway | null> {
    const { rows } = await this.db.pool.query<GatewayRow>(`${SELECT_GATEWAY} WHERE g.id = $1`, [id]);
    return rows[0] ? toGateway(rows[0]) : null;
  }

  /** A gateway's status and the hash of its current broker password (null: it has none). */
  async gatewayCredential(id: string): Promise<{ status: DeviceStatus; credentialHash: string | null } | null> {
    const { rows } = await this.db.pool.query<{ status: DeviceStatus; credential_hash: string | null }>(
      'SELECT status, credential_hash FROM gateway WHERE id = $1',
      [id],
    );
    return rows[0] ? { status: rows[0].status, credentialHash: rows[0].credential_hash } : null;
  }

  async seededAt(): Promise<Date | null> {
    const { rows } = await this.db.pool.query<{ seeded_at: Date }>(`SELECT seeded_at FROM registry_state`);
    return rows[0]?.seeded_at ?? null;
  }

  async provisioningKeys(): Promise<ProvisioningKeyRecord[]> {
    const { rows } = await this.db.pool.query<KeyRow>(`${SELECT_KEY} ORDER BY created_at DESC, id`);
    return rows.map(toKey);
  }

  async provisioningKey(id: string): Promise<(ProvisioningKeyRecord & { secretHash: string }) | null> {
    const { rows } = await this.db.pool.query<KeyRow & { secret_hash: string }>(
      `SELECT id, secret_hash, device_types, ward_codes, max_devices, used, expires_at, revoked_at, created_by,
              created_at
       FROM provisioning_key WHERE id = $1`,
      [id],
    );
    return rows[0] ? { ...toKey(rows[0]), secretHash: rows[0].secret_hash } : null;
  }

  /** Marks a key revoked; false if it does not exist or already was. */
  async revokeProvisioningKey(id: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.db.pool.query(
      `UPDATE provisioning_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [id, at],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Keys that provision no more at `now`, revoked or expired: the broker identities to remove. */
  async endedProvisioningKeys(now: Date): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ id: string }>(
      `SELECT id FROM provisioning_key WHERE revoked_at IS NOT NULL OR expires_at <= $1 ORDER BY id`,
      [now],
    );
    return rows.map((r) => r.id);
  }
}

/** The registry's writes, inside one transaction. */
export class RegistryTransaction {
  constructor(
    private readonly client: PoolClient,
    private readonly maxStatementBytes: number | undefined,
  ) {}

  /** Inserts devices; returns the ids that already existed (nothing is written for them). */
  async insertDevices(all: readonly NewRegisteredDevice[]): Promise<string[]> {
    const existing: string[] = [];
    for (const devices of chunkBySize(
      all,
      (d) => d.id.length * 2 + JSON.stringify(d.attrs ?? {}).length + (d.name?.length ?? 0) * 3 + 200,
      this.maxStatementBytes,
    )) {
      const { rows } = await this.client.query<{ id: string }>(
        `INSERT INTO device (id, type, domain, name, ward_code, zone_id, lat, lon, gateway_id, credential_hash,
                             credential_issued_at, provisioned_by, attrs, provisioned, status)
         SELECT u.id, u.type, u.domain, u.name, u.ward_code, u.zone_id, u.lat, u.lon, u.gateway_id, u.credential_hash,
                CASE WHEN u.credential_hash IS NULL THEN NULL ELSE now() END, u.provisioned_by, u.attrs, true, 'active'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[],
                     $8::float8[], $9::text[], $10::text[], $11::text[], $12::jsonb[])
              AS u(id, type, domain, name, ward_code, zone_id, lat, lon, gateway_id, credential_hash, provisioned_by,
                   attrs)
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [
          devices.map((d) => d.id),
          devices.map((d) => d.type),
          devices.map((d) => DOMAIN_OF_DEVICE_TYPE[d.type]),
          devices.map((d) => d.name ?? null),
          devices.map((d) => d.wardCode ?? null),
          devices.map((d) => d.zoneId ?? null),
          devices.map((d) => d.lat ?? null),
          devices.map((d) => d.lon ?? null),
          devices.map((d) => d.gatewayId ?? null),
          devices.map((d) => d.credentialHash ?? null),
          devices.map((d) => d.provisionedBy ?? null),
          devices.map((d) => JSON.stringify(d.attrs ?? {})),
        ],
      );
      const inserted = new Set(rows.map((r) => r.id));
      existing.push(...devices.filter((d) => !inserted.has(d.id)).map((d) => d.id));
    }
    return existing;
  }

  /** Inserts gateways; returns the ids that already existed. */
  async insertGateways(all: readonly NewRegisteredGateway[]): Promise<string[]> {
    if (!all.length) return [];
    const { rows } = await this.client.query<{ id: string }>(
      `INSERT INTO gateway (id, name, ward_code, lat, lon, credential_hash, credential_issued_at)
       SELECT u.id, u.name, u.ward_code, u.lat, u.lon, u.credential_hash,
              CASE WHEN u.credential_hash IS NULL THEN NULL ELSE now() END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[])
            AS u(id, name, ward_code, lat, lon, credential_hash)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        all.map((g) => g.id),
        all.map((g) => g.name ?? null),
        all.map((g) => g.wardCode ?? null),
        all.map((g) => g.lat ?? null),
        all.map((g) => g.lon ?? null),
        all.map((g) => g.credentialHash ?? null),
      ],
    );
    const inserted = new Set(rows.map((r) => r.id));
    return all.filter((g) => !inserted.has(g.id)).map((g) => g.id);
  }

  /** Ids among `ids` that are registered gateways (device and gateway ids share the broker's usernames). */
  async existingGateways(ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(`SELECT id FROM gateway WHERE id = ANY($1::text[])`, [
      [...ids],
    ]);
    return rows.map((r) => r.id);
  }

  /** Ids among `ids` that are registered devices. */
  async existingDevices(ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.client.query<{ id: string }>(`SELECT id FROM device WHERE id = ANY($1::text[])`, [
      [...ids],
    ]);
    return rows.map((r) => r.id);
  }

  /** The registered devices among `ids`, locked for this transaction, in one query (id order, the lock order). */
  async devicesForUpdate(ids: readonly string[]): Promise<RegisteredDevice[]> {
    const { rows } = await this.client.query<DeviceRow>(
      `${SELECT_DEVICE} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [[...ids]],
    );
    return rows.map(toDevice);
  }

  async deviceForUpdate(id: string): Promise<RegisteredDevice | null> {
    const { rows } = await this.client.query<DeviceRow>(`${SELECT_DEVICE} WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toDevice(rows[0]) : null;
  }

  async gatewayForUpdate(id: string): Promise<RegisteredGateway | null> {
    const { rows } = await this.client.query<GatewayRow>(`${SELECT_GATEWAY} WHERE g.id = $1 FOR UPDATE OF g`, [id]);
    return rows[0] ? toGateway(rows[0]) : null;
  }

  async setCredential(table: 'device' | 'gateway', id: string, hash: string, at: Date): Promise<void> {
    await this.client.query(
      `UPDATE ${table === 'device' ? 'device' : 'gateway'} SET credential_hash = $2, credential_issued_at = $3
       WHERE id = $1`,
      [id, hash, at],
    );
  }

  async setStatus(table: 'device' | 'gateway', id: string, status: DeviceStatus): Promise<void> {
    await this.client.query(`UPDATE ${table === 'device' ? 'device' : 'gateway'} SET status = $2 WHERE id = $1`, [
      id,
      status,
    ]);
  }

  /** Assigns the devices to the gateway (null: none). */
  async assign(deviceIds: readonly string[], gatewayId: string | null): Promise<void> {
    await this.client.query(`UPDATE device SET gateway_id = $2 WHERE id = ANY($1::text[])`, [
      [...deviceIds],
      gatewayId,
    ]);
  }

  /**
   * Deletes a device from the registry. Its stored readings stay (they are history); a message from it is refused from
   * now on as DEVICE_UNKNOWN.
   */
  async deleteDevice(id: string): Promise<void> {
    await this.client.query(`DELETE FROM device WHERE id = $1`, [id]);
  }

  /** Deletes a gateway; its devices are left without one. */
  async deleteGateway(id: string): Promise<void> {
    await this.client.query(`DELETE FROM gateway WHERE id = $1`, [id]);
  }

  async markSeeded(at: Date): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `INSERT INTO registry_state (singleton, seeded_at) VALUES (true, $1) ON CONFLICT DO NOTHING`,
      [at],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Inserts a provisioning key; null when one with its id exists (nothing is written then). */
  async insertProvisioningKey(k: NewProvisioningKey): Promise<ProvisioningKeyRecord | null> {
    const { rows } = await this.client.query<KeyRow>(
      `INSERT INTO provisioning_key (id, secret_hash, device_types, ward_codes, max_devices, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING
       RETURNING id, device_types, ward_codes, max_devices, used, expires_at, revoked_at, created_by, created_at`,
      [k.id, k.secretHash, [...k.deviceTypes], [...k.wardCodes], k.maxDevices, k.expiresAt, k.createdBy],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }

  /**
   * Takes one device from a provisioning key if it is live and has room: the count is raised in the same statement
   * that checks it, so concurrent requests cannot exceed the limit. Null when the key is unknown, revoked, expired or
   * used up.
   */
  async claimProvisioningKey(id: string, now: Date): Promise<ProvisioningKeyRecord | null> {
    const { rows } = await this.client.query<KeyRow>(
      `UPDATE provisioning_key SET used = used + 1
       WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 AND used < max_devices
       RETURNING id, device_types, ward_codes, max_devices, used, expires_at, revoked_at, created_by, created_at`,
      [id, now],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }
}
