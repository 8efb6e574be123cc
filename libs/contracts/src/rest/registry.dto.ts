import { z } from 'zod';
import { DEVICE_TYPES } from '@ioc/domain';
import { ID_PATTERN } from '../schemas/common.schema';

const ID = z.string().regex(new RegExp(ID_PATTERN), `id: must match ${ID_PATTERN}`);
const WARD = z.string().regex(/^ward-[a-z0-9-]{1,40}$/, 'wardId: a ward of the city model, e.g. ward-p3');
const LAT = z.number().min(-90).max(90);
const LON = z.number().min(-180).max(180);
const NAME = z.string().trim().min(1).max(120);
/** The fields a device's registration shares with its self-provisioning request (libs/contracts/src/provisioning.ts). */
export const REGISTRY_FIELDS = { id: ID, wardId: WARD, lat: LAT, lon: LON } as const;

/** A device to register. Its place is a ward, a position, or both (a position alone finds its ward). */
export const CreateDeviceRequestSchema = z
  .object({
    id: ID,
    type: z.enum(DEVICE_TYPES),
    name: NAME.optional(),
    wardId: WARD.optional(),
    lat: LAT.optional(),
    lon: LON.optional(),
    gatewayId: ID.optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), 'lat and lon come together')
  .refine((v) => v.wardId !== undefined || v.lat !== undefined, 'give wardId, or lat and lon');
export type CreateDeviceRequest = z.infer<typeof CreateDeviceRequestSchema>;

/** Several devices at once (a fleet's onboarding): all are registered, or none. */
export const CreateDevicesRequestSchema = z
  .object({ devices: z.array(CreateDeviceRequestSchema).min(1).max(2000) })
  .strict();
export type CreateDevicesRequest = z.infer<typeof CreateDevicesRequestSchema>;

export const CreateGatewayRequestSchema = z
  .object({
    id: ID,
    name: NAME.optional(),
    wardId: WARD.optional(),
    lat: LAT.optional(),
    lon: LON.optional(),
    deviceIds: z.array(ID).max(5000).optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), 'lat and lon come together');
export type CreateGatewayRequest = z.infer<typeof CreateGatewayRequestSchema>;

/** Devices to hang off a gateway (gatewayId) or to take off theirs (null). */
export const AssignDevicesRequestSchema = z
  .object({ deviceIds: z.array(ID).min(1).max(5000), gatewayId: ID.nullable() })
  .strict();
export type AssignDevicesRequest = z.infer<typeof AssignDevicesRequestSchema>;

export const CreateProvisioningKeyRequestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'id: 2–40 of a–z, 0–9 and "-"'),
    deviceTypes: z.array(z.enum(DEVICE_TYPES)).min(1),
    wardIds: z.array(WARD).default([]),
    maxDevices: z.number().int().min(1).max(10_000),
    expiresAt: z.string().datetime({ offset: true }),
  })
  .strict();
export type CreateProvisioningKeyRequest = z.infer<typeof CreateProvisioningKeyRequestSchema>;

/** What a device or gateway connects with; the password is shown this once and never again. */
export interface MqttCredentials {
  readonly username: string;
  readonly password: string;
  /** The client id is pinned: the broker accepts this identity only with it. */
  readonly clientId: string;
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

export interface RegistryDeviceDto {
  readonly id: string;
  readonly type: (typeof DEVICE_TYPES)[number];
  readonly name: string | null;
  readonly wardId: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly status: 'active' | 'disabled';
  readonly gatewayId: string | null;
  /** When its current password was issued; null: it has none yet (rotate to issue one). */
  readonly credentialIssuedAt: string | null;
  readonly provisionedBy: string | null;
  readonly lastSeenAt: string | null;
}

export interface RegistryGatewayDto {
  readonly id: string;
  readonly name: string | null;
  readonly wardId: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly status: 'active' | 'disabled';
  readonly credentialIssuedAt: string | null;
  readonly deviceIds: readonly string[];
}

/** A provisioning key's own MQTT identity, as given once at its creation (the password is never shown again). */
export interface ProvisioningKeyCredentials {
  readonly username: string;
  readonly password: string;
  /** Pinned like every identity's: the broker accepts this username only with this client id. */
  readonly clientId: string;
  /** Where the device publishes its request (MQTT 5, with responseTopic = responseTopic and correlationData). */
  readonly requestTopic: string;
  /** Where the IOC answers; subscribe to it before publishing the request. */
  readonly responseTopic: string;
}

export interface ProvisioningKeyDto {
  readonly id: string;
  readonly deviceTypes: readonly string[];
  readonly wardIds: readonly string[];
  readonly maxDevices: number;
  readonly used: number;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly createdBy: string;
  /** The MQTT identity devices connect with to provision themselves, and its topics. */
  readonly username: string;
  readonly requestTopic: string;
  readonly responseTopic: string;
}
