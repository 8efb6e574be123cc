import { readdirSync, readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  createPlainTestDatabase,
  deleteRedisPrefix,
  AUTO_REGISTER_DEVICES,
  fleet,
  messageBody,
  startMosquitto,
  startServer,
  testLogger,
  type TestBroker,
} from '@ioc/testing';
import { openDatabase } from '@ioc/storage';
import { runPublisher as runPublisherProcess, type PublisherResult } from './publisher-process';

/**
 * npm run bench:ingest — devices publish QoS 1 messages through Mosquitto; the IOC ingests them with
 * commit-before-acknowledge into PostgreSQL; we measure the sustained committed rate. Same run: the broker alone
 * (publish → shared subscription, no database) and raw COPY into the same table. Everything on this machine.
 * Knobs (env): BENCH_SECONDS (20), BENCH_DEVICES (10000), BENCH_PUB_CONNECTIONS (8), BENCH_WINDOW (64),
 * BENCH_INGEST_CONNECTIONS (the server's default, 16 per process), BENCH_INGEST_PROCESSES (1), BENCH_COPY_ROWS (200000),
 * BENCH_RATE msg/s offered in the ingest run (0: as fast as the broker acknowledges), BENCH_WARMUP_SECONDS (3): the
 * same fleet publishes this long first, unmeasured, so the run measures the steady state (devices registered by their
 * first reports, code warm); its rows are left out of every figure. BENCH_PUBLISHER_NICE (10): the load generator's
 * niceness (0: the same priority as the broker, the database and the IOC). BENCH_DEVICE_RATE_PER_S and
 * BENCH_DEVICE_BURST: the per-device rate limit the IOC runs with (see DEVICE_RATE_PER_S).
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = env('BENCH_SECONDS', 20);
const DEVICES = env('BENCH_DEVICES', 10_000);
const PUB_CONNECTIONS = env('BENCH_PUB_CONNECTIONS', 8);
const WINDOW = env('BENCH_WINDOW', 64);
/** Subscriber connections per ingest process: the server's own default (INGEST_CONNECTIONS) unless set. */
const INGEST_CONNECTIONS = process.env.BENCH_INGEST_CONNECTIONS;
const INGEST_PROCESSES = env('BENCH_INGEST_PROCESSES', 1);
const COPY_ROWS = env('BENCH_COPY_ROWS', 200_000);
/** msg/s the devices offer in the ingest run; 0: as fast as the broker acknowledges them. */
const RATE = env('BENCH_RATE', 0);
/**
 * The load generator's niceness. It stands in for field devices that are not on this machine; at the same priority it
 * takes CPU from the broker, the database and the IOC as an equal and outruns them (the broker queues a backlog, and
 * the run mixes an overloaded phase with a drain). Lower, it uses what they leave, and the rate it offers is the rate
 * they sustain. 0: same priority.
 */
const PUBLISHER_NICE = env('BENCH_PUBLISHER_NICE', 10);
/** The fleet publishes this long before the measured run (first reports register the devices; code warms up). */
const WARMUP_SECONDS = env('BENCH_WARMUP_SECONDS', 3);
/** The whole fleet may offer this many msg/s before its devices reach their rate limit (far above this machine's). */
const FLEET_RATE_CEILING = 200_000;
/**
 * The IOC's per-device rate limit in this run. Each bench device sends far more often than a field device, so the
 * server's default (10 msg/s) would quarantine its traffic once the fleet is small: the limit stays on (its check is
 * part of what is measured) and is set so that the fleet as a whole can offer FLEET_RATE_CEILING msg/s.
 */
const DEVICE_RATE_PER_S = env('BENCH_DEVICE_RATE_PER_S', Math.max(10, Math.ceil(FLEET_RATE_CEILING / DEVICES)));
const DEVICE_BURST = env('BENCH_DEVICE_BURST', 600);

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of every PostgreSQL process of this machine (the cluster serves only the bench while it runs). */
function postgresCpuSeconds(): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) sum += cpuSeconds(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return sum;
}

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:ingest] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

function runPublisher(
  broker: TestBroker,
  runId: string,
  durationMs: number,
  rate = 0,
  firstSeq = 0,
): Promise<PublisherResult> {
  const args = {
    url: broker.url,
    ...broker.publisher,
    rate,
    firstSeq,
    devices: DEVICES,
    connections: PUB_CONNECTIONS,
    window: WINDOW,
    durationMs,
    runId,
  };
  return runPublisherProcess(args, PUBLISHER_NICE, (m) =>
    log('publishing', { published: m.published, seconds: Math.round(m.ms / 1000) }),
  ).done;
}

async function brokerOnly(broker: TestBroker): Promise<number> {
  log('baseline 1/2: broker alone, QoS 1 publish → shared subscription (8 connections), no database');
  // The ingest identity, on the ingest's own share group (the only one its ACL allows); clean sessions, gone before the
  // IOC subscribes.
  const subs = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      connectAsync(broker.url, { clientId: `bench-base-sub-${i}`, protocolVersion: 5, clean: true, ...broker.ingest }),
    ),
  );
  let received = 0;
  let first = 0;
  let last = 0;
  for (const s of subs) {
    s.on('message', () => {
      const now = Date.now();
      if (!first) first = now;
      last = now;
      received++;
    });
    await s.subscribeAsync('$share/ioc-ingest/ioc/v1/#', { qos: 1 });
  }
  const pub = await runPublisher(broker, 'base', Math.min(10, SECONDS) * 1000);
  const deadline = Date.now() + 10_000;
  while (received < pub.published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(subs.map((s) => s.endAsync()));
  const rate = received / ((last - first) / 1000);
  log('broker alone', { published: pub.published, received, msgPerSec: Math.round(rate) });
  return rate;
}

async function copyBaseline(url: string): Promise<number> {
  log(`baseline 2/2: COPY ${COPY_ROWS} rows into raw_message (same table, same indexes)`);
  const pool = new Pool({ connectionString: url, max: 1 });
  const devices = fleet(DEVICES, 'copy');
  const t0 = Date.now() - 3_600_000;
  const received = new Date().toISOString();
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  function* rows() {
    for (let i = 0; i < COPY_ROWS; i++) {
      const d = devices[i % devices.length];
      const ts = new Date(t0 + i);
      yield `${ts.toISOString()}\t${d.deviceId}\tm-${i}\t${d.kind}\t${received}\t${d.topic}\t\\N\t${esc(JSON.stringify(messageBody(d.kind, i, ts)))}\n`;
    }
  }
  const client = await pool.connect();
  const started = Date.now();
  try {
    await pipeline(
      Readable.from(rows()),
      client.query(
        copyFrom('COPY raw_message (time, device_id, msg_id, kind, received_at, topic, gateway_id, body) FROM STDIN'),
      ),
    );
  } finally {
    client.release();
  }
  const rate = COPY_ROWS / ((Date.now() - started) / 1000);
  await pool.query('TRUNCATE raw_message');
  await pool.end();
  log('COPY', { rows: COPY_ROWS, rowsPerSec: Math.round(rate) });
  return rate;
}

async function main(): Promise<void> {
  log('starting Mosquitto with docker/mosquitto/mosquitto.conf on a spare port');
  const broker = await startMosquitto();
  const db = await createPlainTestDatabase();
  const prefix = `ioc-bench-${process.pid}`;
  try {
    log('migrating a fresh PostgreSQL database', { url: db.url });
    await (await openDatabase({ url: db.url, poolSize: 2, timescaledb: 'auto' }, testLogger)).close();

    const brokerOnlyMsgPerSec = await brokerOnly(broker);
    const copyRowsPerSec = await copyBaseline(db.url);

    log(
      `ingest: ${INGEST_PROCESSES} IOC ingest process(es) × ${INGEST_CONNECTIONS ?? 'the default number of'} subscriber connections on one shared subscription, ${DEVICES} devices over ${PUB_CONNECTIONS} publisher connections, ${SECONDS} s`,
    );
    log(
      `per-device rate limit: INGEST_DEVICE_RATE_PER_S=${DEVICE_RATE_PER_S}, INGEST_DEVICE_BURST=${DEVICE_BURST} ` +
        `(the fleet may offer ${DEVICE_RATE_PER_S * DEVICES} msg/s; BENCH_DEVICE_RATE_PER_S, BENCH_DEVICE_BURST); ` +
        'INGEST_UNKNOWN_DEVICES=register (the warm-up registers the fleet)',
    );
    const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [];
    const servers = await Promise.all(
      Array.from({ length: INGEST_PROCESSES }, (_, i) =>
        startServer(
          {
            DATABASE_URL: db.url,
            ...broker.env,
            REDIS_PREFIX: prefix,
            IOC_ROLES: 'api,ingest',
            ...AUTO_REGISTER_DEVICES,
            INGEST_DEVICE_RATE_PER_S: String(DEVICE_RATE_PER_S),
            INGEST_DEVICE_BURST: String(DEVICE_BURST),
            ...(INGEST_CONNECTIONS && { INGEST_CONNECTIONS }),
            // Each ingest process needs its own persistent sessions.
            INGEST_INSTANCE_ID: `bench-${process.pid}-${i}`,
          },
          60_000,
          nodeArgs,
        ),
      ),
    );
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const count = async () =>
      Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM raw_message')).rows[0].n);
    // While publishing, progress comes from the servers' own counters of committed rows (GET /health): a count(*) of
    // raw_message every 250 ms would scan the growing table and take PostgreSQL CPU from the ingest being measured.
    // The final figures come from the table itself.
    const committed = async () => {
      const stats = await Promise.all(
        servers.map(
          async (server) => (await server.health<{ ingest?: { stats?: { stored?: number } } }>()).body.ingest?.stats,
        ),
      );
      return stats.reduce((n, s) => n + (s?.stored ?? 0), 0);
    };
    let warmupStored = 0;
    if (WARMUP_SECONDS > 0) {
      log(`warm-up: the fleet publishes for ${WARMUP_SECONDS} s (not measured)`);
      const warm = await runPublisher(broker, 'ingest', WARMUP_SECONDS * 1000, RATE);
      const until = Date.now() + 60_000;
      while ((warmupStored = await committed()) < warm.published && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      if ((await count()) !== warmupStored)
        throw new Error(`warm-up: ${warm.published} published, ${warmupStored} stored`);
      log('warm-up done', { published: warm.published, stored: warmupStored });
    }
    const samples: Array<{ t: number; n: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ t: Date.now(), n: (await committed()) - warmupStored });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const cpuBefore = servers.map((server) => cpuSeconds(server.pid));
    const brokerCpuBefore = cpuSeconds(broker.pid);
    const postgresCpuBefore = postgresCpuSeconds();
    // Message ids after the warm-up's: one fleet, no id given twice.
    const pub = await runPublisher(broker, 'ingest', SECONDS * 1000, RATE, 1_000_000_000);
    log('publisher done; waiting for the last commits', { published: pub.published, refusedByBroker: pub.failed });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (samples.at(-1)?.n ?? 0) < pub.published)
      await new Promise((r) => setTimeout(r, 250));
    sampling = false;
    await sampler;
    // CPU used from the first publish to the last commit (before the counting queries below).
    const cpu = servers.reduce((sum, server, i) => sum + cpuSeconds(server.pid) - cpuBefore[i], 0);
    const brokerCpu = cpuSeconds(broker.pid) - brokerCpuBefore;
    const postgresCpu = postgresCpuSeconds() - postgresCpuBefore;
    await new Promise((r) => setTimeout(r, 500));
    // The measured run's rows: every row less the warm-up's (duplicates are counted over both).
    const rows = await count();
    const stored = rows - warmupStored;
    const distinct = Number(
      (
        await pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d',
        )
      ).rows[0].n,
    );
    // Sustained rate: from the first committed rows to the moment the stored count reached its final value.
    const firstIdx = samples.findIndex((s) => s.n > 0);
    const lastIdx = samples.findIndex((s) => s.n >= stored);
    const span =
      (samples[lastIdx >= 0 ? lastIdx : samples.length - 1].t - samples[Math.max(0, firstIdx - 1)].t) / 1000 || 1;
    const msgPerSec = stored / span;
    // The committed rate second by second (from the samples), to see a warm-up or a stall.
    const perSecond: number[] = [];
    for (let i = Math.max(0, firstIdx - 1), j = i; j < samples.length && samples[i].n < stored; i = j) {
      while (j < samples.length && samples[j].t - samples[i].t < 1000) j++;
      if (j >= samples.length) break;
      perSecond.push(Math.round(((samples[j].n - samples[i].n) * 1000) / (samples[j].t - samples[i].t)));
    }
    log('committed per second', { msgPerSec: perSecond });
    const perMessage = (seconds: number) => +((seconds * 1e6) / Math.max(1, stored)).toFixed(1);
    log('CPU time per stored message, µs (two cores give 2,000,000 µs a second to share)', {
      ioc: perMessage(cpu),
      publisher: perMessage(pub.cpuSeconds),
      broker: perMessage(brokerCpu),
      postgres: perMessage(postgresCpu),
    });
    let quarantined = 0;
    for (const server of servers) {
      const { body: health } = await server.health<{ ingest?: { stats?: Record<string, number> } }>();
      log('ingest process stats', health.ingest?.stats ?? {});
      quarantined += health.ingest?.stats?.quarantined ?? 0;
      const warnings = server
        .logs()
        .split('\n')
        .filter((l) => l.includes('"level":40') || l.includes('"level":50'));
      if (warnings.length) log(`server warnings: ${warnings.length}; first: ${warnings[0].slice(0, 400)}`);
    }
    const codes = await pool.query<{ code: string; n: string }>(
      'SELECT code, count(*) AS n FROM quarantine GROUP BY code',
    );
    await pool.end();
    await Promise.all(servers.map((server) => server.stop()));
    // The bench's messages are all valid: a refusal (RATE_LIMITED above all) means the figure measures something else.
    if (quarantined > 0 || codes.rows.length > 0) {
      throw new Error(
        `${quarantined} messages quarantined (${codes.rows.map((r) => `${r.code}: ${r.n}`).join(', ')}); ` +
          'if RATE_LIMITED, raise BENCH_DEVICE_RATE_PER_S or BENCH_DEVICE_BURST',
      );
    }
    log('ingest', {
      published: pub.published,
      stored,
      seconds: Math.round(span * 10) / 10,
      msgPerSec: Math.round(msgPerSec),
    });
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ingest',
        msgPerSec: Math.round(msgPerSec),
        brokerOnlyMsgPerSec: Math.round(brokerOnlyMsgPerSec),
        copyRowsPerSec: Math.round(copyRowsPerSec),
        published: pub.published,
        stored,
        duplicates: rows - distinct,
      })}\n`,
    );
  } finally {
    await db.drop();
    await broker.stop();
    await deleteRedisPrefix(prefix);
  }
}

main().catch((err) => {
  process.stderr.write(`[bench:ingest] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
