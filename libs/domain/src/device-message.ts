import type { Domain, MessageKind } from './message-kind';

/**
 * A message that passed validation: one device's observation at one event time.
 * `body` is the validated JSON object as the device sent it (for a gateway, its entry).
 */
export interface DeviceMessage {
  readonly deviceId: string;
  readonly msgId: string;
  readonly kind: MessageKind;
  readonly domain: Domain;
  /** Event time, from the device. */
  readonly ts: Date;
  /** When the IOC received it. */
  readonly receivedAt: Date;
  readonly topic: string;
  readonly gatewayId?: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** `body` as JSON text, serialised once: the payload as received for a per-device topic. */
  readonly bodyJson: string;
}

/** Reasons a message is quarantined; stable codes integrators can rely on. */
export const REJECTION_CODES = [
  'TOPIC_INVALID',
  'PAYLOAD_NOT_UTF8',
  'PAYLOAD_NOT_JSON',
  'PAYLOAD_TOO_LARGE',
  'SCHEMA_INVALID',
  'DEVICE_ID_MISMATCH',
  'DEVICE_UNKNOWN',
  'DEVICE_KIND_MISMATCH',
  'DEVICE_DISABLED',
  'TIMESTAMP_IN_FUTURE',
  'TIMESTAMP_TOO_OLD',
  'GATEWAY_EMPTY',
  'GATEWAY_TOO_MANY',
  'GATEWAY_UNKNOWN',
  'GATEWAY_DEVICE_NOT_ASSIGNED',
  'RATE_LIMITED',
  'STORAGE_REJECTED',
  'SENML_INVALID',
  'SENML_NAME_UNKNOWN',
  'SENML_UNIT_INVALID',
  'NGSI_LD_INVALID',
  'NGSI_LD_TYPE_UNSUPPORTED',
  'NGSI_LD_UNIT_INVALID',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** A message (or one gateway entry) that was not accepted, kept with the reason. */
export interface QuarantinedMessage {
  readonly receivedAt: Date;
  readonly topic: string;
  /** The bytes exactly as received (for a gateway entry: that entry re-serialised). */
  readonly payload: Buffer;
  readonly code: RejectionCode;
  readonly reason: string;
  readonly deviceId?: string;
  readonly msgId?: string;
  readonly gatewayId?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}
