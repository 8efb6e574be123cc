import { startMosquitto } from '@ioc/testing';
import { loadCity, planConnections } from '@ioc/city';
import { loadScenario, MqttFleetRunner, Simulation } from '../devices/src';

/**
 * npm run bench:devices — the simulator at scale against a Mosquitto of its own on this machine: BENCH_DEVICES
 * (10000) devices at one message per second each (every device's report interval forced to 1 s), BENCH_DIRECT_SHARE
 * (0.5) of them on their own MQTT connection, the rest behind gateways, live speed, for BENCH_SECONDS (30).
 * msgPerSec = device messages acknowledged by the broker (PUBACK, QoS 1) per second over the run, after connecting.
 * Progress on stderr; one JSON line on stdout.
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const DEVICES = env('BENCH_DEVICES', 10_000);
const SECONDS = env('BENCH_SECONDS', 30);
const DIRECT_SHARE = env('BENCH_DIRECT_SHARE', 0.5);
const GATEWAY_SIZE = env('BENCH_GATEWAY_SIZE', 500);

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:devices] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

async function main(): Promise<void> {
  log('starting Mosquitto with docker/mosquitto/mosquitto.conf on a spare port');
  const broker = await startMosquitto();
  try {
    const sim = new Simulation({
      city: loadCity(),
      scenario: loadScenario('normal-day'),
      seed: 42,
      devices: DEVICES,
      reportIntervalS: 1,
    });
    const topology = planConnections(
      sim.devices.map((d) => d.site),
      { directShare: DIRECT_SHARE, gatewaySize: GATEWAY_SIZE },
    );
    log('fleet', { devices: sim.devices.length, direct: topology.direct.size, gateways: topology.gateways.length });
    const runner = new MqttFleetRunner({
      url: broker.url,
      // One identity for every connection (the test broker's trusted publisher): the broker checks its password and
      // ACL on each, as it would a device's.
      ...broker.publisher,
      sim,
      topology,
      speed: 1,
      untilS: SECONDS,
      tickMs: 100,
      connectConcurrency: 250,
      log,
    });
    const c0 = performance.now();
    await runner.connect();
    log('connected', {
      connections: runner.stats.connections,
      seconds: Math.round((performance.now() - c0) / 100) / 10,
    });
    const t0 = performance.now();
    let last = { t: t0, acked: 0 };
    const perSecond: number[] = [];
    const progress = setInterval(() => {
      const now = performance.now();
      const rate = ((runner.stats.acked - last.acked) * 1000) / (now - last.t);
      perSecond.push(rate);
      last = { t: now, acked: runner.stats.acked };
      log('publishing', {
        ackedPerSec: Math.round(rate),
        acked: runner.stats.acked,
        lagS: Math.round(runner.stats.lagS * 10) / 10,
        rssMb: Math.round(process.memoryUsage().rss / 1e6),
      });
    }, 5000);
    const stats = await runner.run();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(progress);
    await runner.close();
    const msgPerSec = stats.acked / seconds;
    log('done', {
      ...stats,
      seconds: Math.round(seconds * 10) / 10,
      targetMsgPerSec: sim.devices.length,
      minWindowRate: Math.round(Math.min(...perSecond)),
      finalLagS: Math.round(stats.lagS * 10) / 10,
    });
    process.stdout.write(
      `${JSON.stringify({ bench: 'devices', devices: sim.devices.length, connections: stats.connections, msgPerSec: Math.round(msgPerSec) })}\n`,
    );
  } finally {
    await broker.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench:devices] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
