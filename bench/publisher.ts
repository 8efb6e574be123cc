import { connectAsync, type MqttClient } from 'mqtt';
import { fleet, messageBody } from '@ioc/testing';

/**
 * Load generator, run as its own process: `devices` devices publish QoS 1 messages over `connections` MQTT
 * connections, keeping up to `window` publishes in flight per connection, for `durationMs` (or until `total`).
 * Reports on stdout as JSON lines: progress, then {"done":true,"published":N} (published = acknowledged by the broker).
 */
interface Args {
  url: string;
  devices: number;
  connections: number;
  window: number;
  durationMs: number;
  total: number;
  runId: string;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as Args;
  const devices = fleet(a.devices, `bench-${a.runId}`);
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: a.connections }, (_, i) => connectAsync(a.url, { clientId: `bench-pub-${a.runId}-${i}`, protocolVersion: 5, clean: true })),
  );
  const t0 = Date.now();
  const baseTs = t0 - 60_000;
  let seq = 0;
  let published = 0;
  const stopAt = t0 + a.durationMs;
  const next = (): { topic: string; payload: string } | null => {
    if (seq >= a.total || Date.now() >= stopAt) return null;
    const n = seq++;
    const d = devices[n % devices.length];
    return { topic: d.topic, payload: JSON.stringify(messageBody(d.kind, n, new Date(baseTs + Math.floor(n / devices.length)))) };
  };
  const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ progress: true, published, ms: Date.now() - t0 })}\n`), 1000);
  await Promise.all(
    clients.map(async (c) => {
      // `window` independent lanes per connection, each publishing its next message when the previous is acknowledged.
      await Promise.all(
        Array.from({ length: a.window }, async () => {
          for (let m = next(); m; m = next()) {
            await c.publishAsync(m.topic, m.payload, { qos: 1 });
            published++;
          }
        }),
      );
    }),
  );
  clearInterval(progress);
  await Promise.all(clients.map((c) => c.endAsync()));
  process.stdout.write(`${JSON.stringify({ done: true, published, ms: Date.now() - t0 })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
