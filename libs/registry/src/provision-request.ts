import {
  PROVISIONING_REFUSAL_CODES,
  ProvisionRequestSchema,
  provisionKeyOfTopic,
  provisionResponseTopic,
  type ProvisionRequest,
  type ProvisionResponse,
  type ProvisioningRefusalCode,
} from '@ioc/contracts';
import type { DeviceType } from '@ioc/domain';
import type { ProvisioningKeyRecord } from '@ioc/storage';
import { RegistryError, type RegistryErrorCode } from './registry.errors';

export interface Refusal {
  readonly code: ProvisioningRefusalCode;
  readonly reason: string;
}

/** A provisioning request as read off the wire: the key its topic names, and the request or why it cannot be read. */
export type ReadRequest =
  | { readonly keyId: string; readonly request: ProvisionRequest; readonly refusal?: undefined }
  | { readonly keyId: string; readonly request?: undefined; readonly refusal: Refusal };

const MAX_REASON = 300;

/**
 * Reads a request: its key from the topic (the broker lets only that key's identity publish there), the MQTT 5
 * responseTopic (it must be the key's own, or a key could have the IOC publish on another key's response topic), the
 * JSON payload against ProvisionRequestSchema. Undefined for a topic that is not a request topic (nobody to answer).
 */
export function readProvisionRequest(
  topic: string,
  payload: Buffer,
  properties: { readonly responseTopic?: string } | undefined,
): ReadRequest | undefined {
  const keyId = provisionKeyOfTopic(topic);
  if (!keyId) return undefined;
  const invalid = (reason: string): ReadRequest => ({ keyId, refusal: { code: 'PROVISIONING_INVALID', reason } });
  const expected = provisionResponseTopic(keyId);
  if (properties?.responseTopic !== expected)
    return invalid(`publish with MQTT 5 and the property responseTopic = ${expected}`);
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return invalid('the payload is not JSON');
  }
  const parsed = ProvisionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    return invalid(reason.slice(0, MAX_REASON));
  }
  return { keyId, request: parsed.data };
}

/**
 * Why the key cannot provision this device now, or undefined when it can. Its state first (revoked, expired, used up),
 * then the device against its limits. The count is checked again, atomically, when the key is claimed.
 */
export function keyRefusal(
  key: ProvisioningKeyRecord | null,
  device: { readonly type: DeviceType; readonly wardId: string },
  now: Date,
): Refusal | undefined {
  if (!key || key.revokedAt) return { code: 'PROVISIONING_KEY_REVOKED', reason: 'the provisioning key was revoked' };
  if (key.expiresAt.getTime() <= now.getTime())
    return {
      code: 'PROVISIONING_KEY_EXPIRED',
      reason: `the provisioning key expired at ${key.expiresAt.toISOString()}`,
    };
  if (key.used >= key.maxDevices)
    return {
      code: 'PROVISIONING_KEY_EXHAUSTED',
      reason: `the provisioning key has provisioned its ${key.maxDevices} devices`,
    };
  if (!key.deviceTypes.includes(device.type))
    return {
      code: 'PROVISIONING_TYPE_NOT_ALLOWED',
      reason: `the key provisions ${key.deviceTypes.join(', ')}, not ${device.type}`,
    };
  if (key.wardCodes.length && !key.wardCodes.includes(device.wardId))
    return {
      code: 'PROVISIONING_WARD_NOT_ALLOWED',
      reason: `the key provisions devices in ${key.wardCodes.join(', ')}, not ${device.wardId}`,
    };
  return undefined;
}

// Typed so: a refusal code that is not one of the registry's does not compile.
const REFUSAL_CODES: ReadonlySet<RegistryErrorCode> = new Set<RegistryErrorCode>(PROVISIONING_REFUSAL_CODES);

/**
 * The answer for a failed provisioning: a registry refusal keeps its code and reason; anything else (database or
 * broker away, a bug) is PROVISIONING_UNAVAILABLE, without its details, which stay in the IOC's log.
 */
export function refusalOf(err: unknown): Refusal {
  if (err instanceof RegistryError && REFUSAL_CODES.has(err.code))
    return { code: err.code as ProvisioningRefusalCode, reason: err.message.slice(0, MAX_REASON) };
  return { code: 'PROVISIONING_UNAVAILABLE', reason: 'the IOC could not register the device now; retry later' };
}

export function refusedResponse(r: Refusal): ProvisionResponse {
  return { status: 'refused', code: r.code, reason: r.reason };
}
