import { randomBytes } from 'node:crypto';
import { DEVICE_TYPE_OF_KIND, MESSAGE_KIND_NAMES, type DeviceType, type MessageKind } from '@ioc/domain';
import { deviceTopic, MESSAGE_EXAMPLES } from '@ioc/contracts';
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
  const run = `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
  return kindsOfType(type).map((kind, i) => ({
    topic: deviceTopic(kind, deviceId),
    payload: Buffer.from(
      JSON.stringify({ ...MESSAGE_EXAMPLES[kind], msgId: `check-${run}-${i + 1}`, ts: now.toISOString() }),
    ),
  }));
}
