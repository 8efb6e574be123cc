import { randomBytes } from 'node:crypto';
import { DEVICE_TYPE_OF_KIND, MESSAGE_KIND_NAMES, type DeviceType, type MessageKind } from '@ioc/domain';
import { deviceTopic, GATEWAY_MAX_MESSAGES, gatewayTopic, MESSAGE_EXAMPLES } from '@ioc/contracts';
import type { CheckEntry } from './ndjson';

/** The message kinds a device of `type` sends. */
export function kindsOfType(type: DeviceType): MessageKind[] {
  return MESSAGE_KIND_NAMES.filter((k) => DEVICE_TYPE_OF_KIND[k] === type);
}

/**
 * One valid message of every kind a device of `type` sends, on the device's own topic: the contract's example of the
 * kind with a fresh msgId and `ts` = now, so each run is stored anew rather than as a duplicate.
 */
export function sampleEntries(deviceId: string, type: DeviceType, now: Date = new Date()): CheckEntry[] {
  const run = runId(now);
  return kindsOfType(type).map((kind, i) => ({
    topic: deviceTopic(kind, deviceId),
    payload: Buffer.from(JSON.stringify(sampleMessage(kind, `check-${run}-${i + 1}`, now))),
  }));
}

/**
 * For a gateway: one batch on its own topic with one valid message of every kind of each of `devices` (those assigned
 * to it), so the check sees each entry judged alone. At most a batch's limit of entries.
 */
export function gatewaySampleEntries(
  gatewayId: string,
  devices: ReadonlyArray<{ readonly id: string; readonly type: DeviceType }>,
  now: Date = new Date(),
): CheckEntry[] {
  const run = runId(now);
  const messages = devices
    .flatMap((d) => kindsOfType(d.type).map((kind) => ({ deviceId: d.id, kind })))
    .slice(0, GATEWAY_MAX_MESSAGES)
    .map(({ deviceId, kind }, i) => ({ deviceId, kind, ...sampleMessage(kind, `check-${run}-${i + 1}`, now) }));
  return messages.length
    ? [{ topic: gatewayTopic(gatewayId), payload: Buffer.from(JSON.stringify({ messages })) }]
    : [];
}

const runId = (now: Date) => `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;

const sampleMessage = (kind: MessageKind, msgId: string, now: Date) => ({
  ...MESSAGE_EXAMPLES[kind],
  msgId,
  ts: now.toISOString(),
});
