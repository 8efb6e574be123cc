import type { DeviceMessage } from '@ioc/domain';

/**
 * The wire form of accepted device messages: one JSON array per batch, as the Redis stream `stream:device-messages`
 * carries it and as the ingest transaction hands it to PostgreSQL (`json_to_recordset`). Field names are the
 * DeviceMessage's; each body goes in as the JSON text it already has, not serialised again.
 */
type WireMessage = Omit<DeviceMessage, 'ts' | 'receivedAt' | 'bodyJson'> & { ts: string; receivedAt: string };

export function encodeDeviceMessages(messages: readonly DeviceMessage[]): string {
  const parts = messages.map(
    (m) =>
      `{"deviceId":${JSON.stringify(m.deviceId)},"msgId":${JSON.stringify(m.msgId)},"kind":"${m.kind}","domain":"${m.domain}",` +
      `"ts":"${m.ts.toISOString()}","receivedAt":"${m.receivedAt.toISOString()}","topic":${JSON.stringify(m.topic)},` +
      `${m.gatewayId === undefined ? '' : `"gatewayId":${JSON.stringify(m.gatewayId)},`}"body":${m.bodyJson}}`,
  );
  return `[${parts.join(',')}]`;
}

export function decodeDeviceMessages(json: string): DeviceMessage[] {
  return (JSON.parse(json) as WireMessage[]).map((m) => ({
    ...m,
    ts: new Date(m.ts),
    receivedAt: new Date(m.receivedAt),
    bodyJson: JSON.stringify(m.body),
  }));
}
