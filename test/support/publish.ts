import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@ioc/contracts';
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

/**
 * The exercise tests' story, published as its devices would (trusted publisher): a bin catches fire and then burns
 * hotter (severity rises), a camera is tampered with, 1 s, 6 s and 11 s after `base`. Resolves once the broker has all
 * three.
 */
export async function publishExerciseStory(publisher: MqttClient, base: number): Promise<void> {
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();
  const readings: Array<[string, string, Record<string, unknown>]> = [
    [deviceTopic('bin-fill', 'bin-p10-0041'), 'fire-1', { ts: iso(1_000), fillPct: 50, temperatureC: 95, tiltDeg: 1 }],
    [deviceTopic('bin-fill', 'bin-p10-0041'), 'fire-2', { ts: iso(6_000), fillPct: 50, temperatureC: 135, tiltDeg: 1 }],
    [
      deviceTopic('camera-health', 'cam-thd-005'),
      'tamper-1',
      { ts: iso(11_000), online: true, tampered: true, fps: 25 },
    ],
  ];
  for (const [topic, msgId, body] of readings)
    await publisher.publishAsync(topic, JSON.stringify({ msgId, ...body }), { qos: 1 });
}
