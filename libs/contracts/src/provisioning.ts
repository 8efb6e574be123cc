import { z } from 'zod';
import { DEVICE_TYPES } from '@ioc/domain';
import { REGISTRY_FIELDS } from './rest/registry.dto';

/**
 * Fleet self-provisioning over MQTT 5 request/response. A device that knows a provisioning key's identity publishes a
 * request on `ioc/provision/v1/{keyId}/request` with the properties responseTopic (= the key's response topic) and
 * correlationData; the IOC answers on `ioc/provision/v1/{keyId}/response` (QoS 1) with the same correlationData.
 */
export const ProvisionRequestSchema = z
  .object({
    deviceId: REGISTRY_FIELDS.id.describe('The id the device asks for; it becomes its MQTT username and client id.'),
    type: z.enum(DEVICE_TYPES).describe('Its device type; the key must allow it.'),
    wardId: REGISTRY_FIELDS.wardId.optional().describe('Its ward, e.g. ward-p3; else the ward its position lies in.'),
    lat: REGISTRY_FIELDS.lat.optional().describe('Latitude (WGS 84); with lon.'),
    lon: REGISTRY_FIELDS.lon.optional().describe('Longitude (WGS 84); with lat.'),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), 'lat and lon come together')
  .refine((v) => v.wardId !== undefined || v.lat !== undefined, 'give wardId, or lat and lon')
  .describe("A device's request for its own identity: wardId, or lat and lon, or both.");
export type ProvisionRequest = z.infer<typeof ProvisionRequestSchema>;

/** Codes of a refused provisioning request. */
export const PROVISIONING_REFUSAL_CODES = [
  'PROVISIONING_INVALID',
  'PROVISIONING_KEY_REVOKED',
  'PROVISIONING_KEY_EXPIRED',
  'PROVISIONING_KEY_EXHAUSTED',
  'PROVISIONING_TYPE_NOT_ALLOWED',
  'PROVISIONING_WARD_NOT_ALLOWED',
  'PROVISIONING_UNAVAILABLE',
  'REGISTRY_EXISTS',
  'REGISTRY_ID_RESERVED',
  'REGISTRY_INVALID',
] as const;
export type ProvisioningRefusalCode = (typeof PROVISIONING_REFUSAL_CODES)[number];

/** One line per refusal code; a Record so a new code cannot ship without its meaning (AsyncAPI, integrator guide). */
export const PROVISIONING_REFUSAL_MEANINGS: Readonly<Record<ProvisioningRefusalCode, string>> = {
  PROVISIONING_INVALID:
    "The request is not JSON, does not match the request schema, or lacks the MQTT 5 responseTopic equal to the key's response topic.",
  PROVISIONING_KEY_REVOKED: 'The provisioning key was revoked (or is unknown).',
  PROVISIONING_KEY_EXPIRED: 'The provisioning key has expired.',
  PROVISIONING_KEY_EXHAUSTED: 'The key has provisioned as many devices as it may (maxDevices).',
  PROVISIONING_TYPE_NOT_ALLOWED: 'The key does not provision devices of this type.',
  PROVISIONING_WARD_NOT_ALLOWED: "The device's ward (given, or found from its position) is not one the key allows.",
  PROVISIONING_UNAVAILABLE:
    'The IOC could not complete the registration now (database or broker away, too busy): retry later.',
  REGISTRY_EXISTS:
    'A device (or another identity) with this id exists already: its identity is never handed out again.',
  REGISTRY_ID_RESERVED: "Ids starting with ioc- or prov- are the IOC's own.",
  REGISTRY_INVALID: "The ward is not one of the city's, or the position lies in none of its wards.",
};

const Credentials = z
  .object({
    username: z.string().describe('The device id.'),
    password: z.string().describe('Its MQTT password: given this once, never again (an integrator can rotate it).'),
    clientId: z.string().describe('The only client id the broker accepts for it (the device id).'),
    publish: z.array(z.string()).describe('The topics it may publish on.'),
    subscribe: z.array(z.string()).describe('The topics it may subscribe to (its rejection notices).'),
  })
  .strict();

/** The IOC's answer: the device's own credentials (shown this once), or the refusal's code and reason. */
export const ProvisionResponseSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), credentials: Credentials }).strict(),
    z
      .object({
        status: z.literal('refused'),
        code: z.enum(PROVISIONING_REFUSAL_CODES).describe('Stable refusal code.'),
        reason: z.string().describe('Human-readable detail.'),
      })
      .strict(),
  ])
  .describe('The answer to a provisioning request, on the key’s response topic with the request’s correlationData.');
export type ProvisionResponse = z.infer<typeof ProvisionResponseSchema>;
