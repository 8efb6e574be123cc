import type { MqttClient } from 'mqtt';
import { messageBody, type FleetDevice } from './factories';

/**
 * Publishes `total` QoS 1 messages round-robin over the devices and the connections, at most `window` unacknowledged
 * at once; message i is `m-<i>` at t0 + i ms. Resolves with the count once the broker has acknowledged every one.
 */
export async function publishSteadily(
  publishers: readonly MqttClient[],
  devices: readonly FleetDevice[],
  total: number,
  t0: number,
  window = 400,
): Promise<number> {
  const inFlight: Promise<unknown>[] = [];
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const d = devices[i % devices.length];
    inFlight.push(
      publishers[i % publishers.length].publishAsync(
        d.topic,
        JSON.stringify(messageBody(d.kind, i, new Date(t0 + i))),
        { qos: 1 },
      ),
    );
    sent++;
    if (inFlight.length >= window) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return sent;
}
