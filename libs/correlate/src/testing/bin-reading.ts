import type { DeviceMessage } from '@ioc/domain';

/**
 * A bin's fill reading as ingest hands it to the correlate role (taken in when it was made): the one reading the
 * correlate role's tests feed it, hot or not by `temperatureC`. Test-only; not exported by the library.
 */
export function binReading(msgId: string, ts: number, temperatureC: number, deviceId = 'bin-p10-0041'): DeviceMessage {
  const body = { msgId, ts: new Date(ts).toISOString(), fillPct: 40, temperatureC, tiltDeg: 1 };
  return {
    deviceId,
    msgId,
    kind: 'bin-fill',
    domain: 'waste',
    ts: new Date(ts),
    receivedAt: new Date(ts),
    topic: `ioc/v1/waste/${deviceId}/bin-fill`,
    body,
    bodyJson: JSON.stringify(body),
  };
}
