import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { deviceTopic } from '@ioc/contracts';
import { buildTopology, loadCity } from '@ioc/city';
import { loadConfig } from '@ioc/platform';
import { fleet, login, SocketWatcher, startServer, startTestStack } from '@ioc/testing';
import { runPublisher } from './publisher-process';

/**
 * npm run bench:latency — background devices publish at BENCH_RATE msg/s (QoS 1) through Mosquitto into the real
 * server (all roles, built), from the lean generator of bench:ingest in its own process at niceness
 * BENCH_PUBLISHER_NICE (10: it stands in for devices that are not on this machine); meanwhile, one ward at a time, a
 * bin reports a fire (then a hotter one: severity rises), a camera reports tampering and another bin a flat battery.
 * Measured: the time from the publish of such a reading to the resulting incident event (opened / severity-raised) on
 * an operator's socket. Each sample is one incident change; the rules group by ward, so a server gives 4 per ward (40):
 * the bench runs BENCH_ROUNDS rounds (3), each on a fresh stack and server, and pools their samples, so that the p99
 * is not simply the slowest sample (of 120 it is the second slowest).
 * Knobs (env): BENCH_ROUNDS (3), BENCH_RATE (10000), BENCH_CONNECTIONS (8), BENCH_DEVICES (5000),
 * BENCH_SAMPLE_EVERY_MS (400), BENCH_LATENESS_MS → CORRELATION_ALLOWED_LATENESS_MS and BENCH_TICK_MS →
 * CORRELATION_TICK_MS (the server's defaults, 2000 and 250: these rules fire early, on arrival, so the watermark only
 * confirms them; a lateness as short as the path itself would drop the very readings measured, as late);
 * BENCH_EARLY_FIRING → CORRELATION_EARLY_FIRING (true), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile the server, "--trace-gc" to see its collections), BENCH_SERVER_LOG (a path: each
 * round's server output is written to <path>.<round>), BENCH_SERVER_NICE (0: the server's niceness; below 0 needs root,
 * a diagnostic of how much the server's share of the cores decides the tail).
 * Last line on stdout: {"bench":"latency","rateMsgPerSec":N,"p50Ms":N,"p99Ms":N}.
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const ROUNDS = Math.max(1, env('BENCH_ROUNDS', 3));
const RATE = env('BENCH_RATE', 10_000);
const CONNECTIONS = env('BENCH_CONNECTIONS', 8);
const DEVICES = env('BENCH_DEVICES', 5_000);
const SAMPLE_EVERY_MS = env('BENCH_SAMPLE_EVERY_MS', 400);
const DEFAULTS = loadConfig({}).correlation;
/** How soon a running server's ingest takes in devices registered by another hand (REGISTRY_REFRESH_S). */
const REGISTRY_REFRESH_MS = loadConfig({}).registry.refreshMs;
const LATENESS_MS = env('BENCH_LATENESS_MS', DEFAULTS.allowedLatenessMs);
const TICK_MS = env('BENCH_TICK_MS', DEFAULTS.tickMs);
/** How long a sample's incident event is waited for; one that does not come counts as this long (it is at least). */
const SAMPLE_TIMEOUT_MS = 5_000;
const EARLY_FIRING = process.env.BENCH_EARLY_FIRING ?? 'true';
const PUBLISHER_NICE = env('BENCH_PUBLISHER_NICE', 10);
const SERVER_NICE = env('BENCH_SERVER_NICE', 0);
const SECRET = 'bench-latency';

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:latency] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

type Sample = { key: string; event: 'opened' | 'severity-raised'; topic: string; payload: () => string };

/** Per ward, from the city model: a bin that catches fire, a camera, and another bin whose battery runs flat. */
function citySamples(): Sample[] {
  const topology = buildTopology(loadCity());
  const wards = [...topology.zones.values()]
    .filter((z) => z.kind === 'ward')
    .map((z) => z.id)
    .sort();
  const ofType = (type: string, ward: string) =>
    [...topology.devices.values()].filter((d) => d.type === type && d.ward === ward).map((d) => d.id);
  const samples: Sample[] = [];
  let n = 0;
  const binFill = (fields: Record<string, number>) => () =>
    JSON.stringify({ msgId: `bin-${++n}`, ts: new Date().toISOString(), fillPct: 40, tiltDeg: 1, ...fields });
  for (const ward of wards) {
    const [bin, other] = ofType('bin', ward);
    const [cam] = ofType('camera', ward);
    if (bin) {
      const topic = deviceTopic('bin-fill', bin);
      samples.push({ key: `bin-fire:${ward}`, event: 'opened', topic, payload: binFill({ temperatureC: 95 }) });
      samples.push({
        key: `bin-fire:${ward}`,
        event: 'severity-raised',
        topic,
        payload: binFill({ temperatureC: 135 }),
      });
    }
    if (cam) {
      const topic = deviceTopic('camera-health', cam);
      samples.push({
        key: `camera-tampered:${ward}`,
        event: 'opened',
        topic,
        payload: () =>
          JSON.stringify({
            msgId: `tamper-${++n}`,
            ts: new Date().toISOString(),
            online: true,
            tampered: true,
            fps: 25,
          }),
      });
    }
    if (other)
      samples.push({
        key: `device-battery-low:${ward}`,
        event: 'opened',
        topic: deviceTopic('bin-fill', other),
        payload: binFill({ temperatureC: 28, batteryPct: 5 }),
      });
  }
  return samples;
}

interface Round {
  /** One per sample; a sample whose event never came counts as SAMPLE_TIMEOUT_MS. */
  latencies: number[];
  /** Of each sample that arrived: publish → taken in by the server (its raw_message.received_at), and the rest. */
  ingress: number[];
  after: number[];
  missing: number;
  published: number;
  ms: number;
}

/** One server on a fresh stack: its samples, one at a time under the background load. */
async function round(index: number, samples: readonly Sample[]): Promise<Round> {
  const stack = await startTestStack(`bench-latency-${index}`);
  const server = await startServer(
    {
      ...stack.env,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      AUTH_JWT_SECRET: SECRET,
      CORRELATION_ALLOWED_LATENESS_MS: String(LATENESS_MS),
      CORRELATION_TICK_MS: String(TICK_MS),
      CORRELATION_EARLY_FIRING: EARLY_FIRING,
    },
    60_000,
    process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [],
    SERVER_NICE,
  );
  log(`round ${index + 1}/${ROUNDS}: server up`, {
    lateness: LATENESS_MS,
    tick: TICK_MS,
    earlyFiring: EARLY_FIRING,
    serverNice: SERVER_NICE,
  });

  const published = new Map<string, number>();
  const latencies: number[] = [];
  /** Per arrived sample: its msgId, when it was published (wall clock) and its latency. */
  const arrived: Array<{ msgId: string; publishedAt: number; latency: number }> = [];
  let missing = 0;
  const watcher = new SocketWatcher(server.baseUrl, await login(server.baseUrl, 'operator1'), {
    keep: false,
    onEvent: (m, at) => {
      const t = published.get(`${m.incident.key}|${m.type}`);
      if (t !== undefined) {
        latencies.push(at - t);
        published.delete(`${m.incident.key}|${m.type}`);
      }
    },
  });
  await watcher.connected();

  // Background load: paced QoS 1 publishes, stamped as sent, from a fleet the city model does not know (registered,
  // stored, taken in by the engine, in no rule), by the lean generator in its own process (as in bench:ingest).
  // Registered once the server runs, and taken in by its ingest at its next registry refresh: registered before, each
  // device would get a broker identity at the server's start, one plugin command at a time (minutes for 5,000). The
  // generator publishes as the tests' trusted publisher and needs none.
  const runId = `lat${index}`;
  await stack.registerDevices(fleet(DEVICES, `bench-${runId}`));
  await new Promise((r) => setTimeout(r, REGISTRY_REFRESH_MS + 1_000));
  const hot = await stack.broker.connectTrusted({ clientId: 'bench-lat-hot', clean: true });
  // It runs until the sampling is over (stop() below); the duration is only a bound.
  const load = runPublisher(
    {
      url: stack.broker.url,
      ...stack.broker.publisher,
      rate: RATE,
      firstSeq: 0,
      devices: DEVICES,
      connections: CONNECTIONS,
      window: 64,
      durationMs: 15 * 60_000,
      runId,
      liveTimestamps: true,
    },
    PUBLISHER_NICE,
  );
  // Let the load settle, then one sample at a time, each after the previous one's event (or a timeout).
  await new Promise((r) => setTimeout(r, 2_000));
  log(`round ${index + 1}/${ROUNDS}: background load running; sampling`, { samples: samples.length, rate: RATE });
  for (const s of samples) {
    const mark = `${s.key}|${s.event}`;
    const payload = s.payload();
    const publishedAt = Date.now();
    published.set(mark, performance.now());
    await hot.publishAsync(s.topic, payload, { qos: 1 });
    const deadline = performance.now() + SAMPLE_TIMEOUT_MS;
    while (published.has(mark) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (published.has(mark)) {
      log(`no incident event within ${SAMPLE_TIMEOUT_MS} ms: counted as ${SAMPLE_TIMEOUT_MS} ms`, {
        key: s.key,
        event: s.event,
      });
      published.delete(mark);
      latencies.push(SAMPLE_TIMEOUT_MS);
      missing++;
    } else {
      arrived.push({
        msgId: (JSON.parse(payload) as { msgId: string }).msgId,
        publishedAt,
        latency: latencies[latencies.length - 1],
      });
    }
    await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
  }
  load.stop();
  const background = await load.done;
  log(`round ${index + 1}/${ROUNDS}: done`, {
    samples: latencies.length,
    missing,
    published: background.published,
    refusedByBroker: background.failed,
    seconds: +(background.ms / 1000).toFixed(1),
    p50Ms: +pct(latencies, 50).toFixed(1),
    maxMs: +Math.max(...latencies).toFixed(1),
  });

  // Until the watermark has passed the last sample: the early raises are then all confirmed or withdrawn.
  await new Promise((r) => setTimeout(r, LATENESS_MS + TICK_MS + 500));
  // Where each sample's time went: before the server took it in (broker, socket, MQTT handling ahead of it), or after
  // (decode, engine, the incident's write, the push). Same host, same clock.
  const received = new Map(
    (
      await stack.pool.query<{ msg_id: string; received_at: Date }>(
        'SELECT msg_id, received_at FROM raw_message WHERE msg_id = ANY($1)',
        [arrived.map((a) => a.msgId)],
      )
    ).rows.map((r) => [r.msg_id, r.received_at.getTime()]),
  );
  const ingress: number[] = [];
  const after: number[] = [];
  for (const a of arrived) {
    const at = received.get(a.msgId);
    if (at === undefined) continue;
    ingress.push(at - a.publishedAt);
    after.push(a.latency - (at - a.publishedAt));
  }
  const spread = (xs: number[]) => ({ p50: pct(xs, 50), p90: pct(xs, 90), max: Math.max(...xs) });
  log(`round ${index + 1}/${ROUNDS}: where the time went, ms`, {
    publishToIngest: spread(ingress),
    ingestToSocket: spread(after),
  });
  const { body: health } = await server.health();
  // How long the server's event loop was held up (every hop of a sample waits for it), from its Prometheus gauges;
  // prom-client samples the delay on a 10 ms timer, so its figures include those 10 ms (10 = no delay).
  const metrics = await server.metrics();
  const gauge = (name: string) => Number(metrics.match(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm'))?.[1]) * 1000;
  // The incident write's share: the server's histogram of engine decisions committed (upper bounds of its buckets).
  const applied = histogramQuantiles(metrics, 'ioc_correlate_signal_apply_seconds', [0.5, 0.9, 0.99]);
  log(
    `round ${index + 1}/${ROUNDS}: engine decision → committed (ioc_correlate_signal_apply_seconds), ms at most`,
    applied,
  );
  log(`round ${index + 1}/${ROUNDS}: server event-loop delay, ms`, {
    p50: +gauge('ioc_nodejs_eventloop_lag_p50_seconds').toFixed(1),
    p99: +gauge('ioc_nodejs_eventloop_lag_p99_seconds').toFixed(1),
    max: +gauge('ioc_nodejs_eventloop_lag_max_seconds').toFixed(1),
  });
  log(`round ${index + 1}/${ROUNDS}: server health`, {
    ingest: (health.ingest as { stats?: unknown })?.stats,
    correlate: health.correlate,
  });
  if (process.env.BENCH_SERVER_LOG) writeFileSync(`${process.env.BENCH_SERVER_LOG}.${index + 1}`, server.logs());
  watcher.close();
  await hot.endAsync();
  await server.stop();
  await stack.close();
  return { latencies, ingress, after, missing, published: background.published, ms: background.ms };
}

async function main(): Promise<void> {
  const rounds: Round[] = [];
  const samples = citySamples();
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(i, samples));
  const latencies = rounds.flatMap((r) => r.latencies);
  const seconds = rounds.reduce((t, r) => t + r.ms, 0) / 1000;
  const published = rounds.reduce((t, r) => t + r.published, 0);
  log('done', {
    rounds: ROUNDS,
    samples: latencies.length,
    missing: rounds.reduce((t, r) => t + r.missing, 0),
    published,
    p90Ms: +pct(latencies, 90).toFixed(1),
    maxMs: +Math.max(...latencies).toFixed(1),
  });
  log('samples, ms, sorted', { ms: [...latencies].sort((a, b) => a - b).map((x) => Math.round(x)) });
  const ingress = rounds.flatMap((r) => r.ingress);
  const after = rounds.flatMap((r) => r.after);
  log('where the time went, ms: publish → taken in by the server (received_at) | taken in → operator socket', {
    publishToIngest: { p50: pct(ingress, 50), p90: pct(ingress, 90), p99: pct(ingress, 99) },
    ingestToSocket: { p50: pct(after, 50), p90: pct(after, 90), p99: pct(after, 99) },
  });
  const result = {
    bench: 'latency',
    rateMsgPerSec: Math.round(published / seconds),
    p50Ms: +pct(latencies, 50).toFixed(1),
    p99Ms: +pct(latencies, 99).toFixed(1),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Quantiles of a Prometheus histogram (all label sets summed), as the upper bounds of their buckets, in ms. */
function histogramQuantiles(metrics: string, name: string, qs: readonly number[]): Record<string, number | null> {
  const buckets = new Map<number, number>();
  for (const m of metrics.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'))) {
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.length ? sorted[sorted.length - 1][1] : 0;
  const out: Record<string, number | null> = { count: total };
  for (const q of qs) {
    const hit = sorted.find(([, n]) => n >= q * total);
    out[`p${Math.round(q * 100)}`] = total && hit ? (Number.isFinite(hit[0]) ? hit[0] * 1000 : null) : null;
  }
  return out;
}

main().catch((err) => {
  process.stderr.write(`bench:latency failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
