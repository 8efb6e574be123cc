import { readdirSync, readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  createPlainTestDatabase,
  deleteRedisPrefix,
  fleet,
  messageBody,
  registerDevices,
  startMosquitto,
  startServer,
  testLogger,
  type PlainTestDatabase,
  type TestBroker,
} from '@ioc/testing';
import { randomSecret } from '@ioc/broker-setup';
import { DynsecClient, createIdentityCommands } from '@ioc/registry';
import { runPublisher as runPublisherProcess, type PublisherResult } from './publisher-process';
import { fleetLanes, laneTopics, laneUsername, meanAclWalk } from './lanes';

/**
 * npm run bench:ingest — devices publish QoS 1 messages through Mosquitto; the IOC ingests them with
 * commit-before-acknowledge into PostgreSQL; we measure the sustained committed rate with the device plane secured as
 * shipped, and in the same run what the broker's ACL checks cost. Everything on this machine. In this order:
 *   1. the broker alone, secured: the fleet's publishes → the ingest identity's shared subscription, no database;
 *   2. a raw COPY into the same table;
 *   3. the IOC ingest, secured;
 *   4. a second broker, the same configuration without the Dynamic Security plugin and with anonymous clients allowed
 *      (nobody authenticated, nothing checked): the broker alone, as in 1;
 *   5. the IOC ingest against it, as in 3.
 * Secured: the shipped docker/mosquitto/mosquitto.conf (Dynamic Security plugin, anonymous refused); the fleet's
 * devices registered in the IOC's registry (table device) before it starts, and the IOC on its default
 * INGEST_UNKNOWN_DEVICES=reject; the load generator's 8 connections ("lanes") are broker identities the bench creates
 * over $CONTROL/dynamic-security/v1 with the broker's admin identity, as the registry creates a device's (a role of its
 * own, the client id pinned). Each lane carries an equal share of the fleet, 2 or 3 message kinds (bench/lanes.ts),
 * and its role holds one publishClientSend ACL per kind, the device's topic with its id a `+` (ioc/v1/<domain>/+/<kind>).
 * The ACL check of each publish walks those 1 to 3 entries until one matches, as a device's role of 1 to 3 literal
 * topics is walked (the mean walk of both is logged); each delivery to the ingest identity is checked against its
 * role's one publishClientReceive entry, ioc/v1/#. One identity per device is not practical for 10,000 devices (the
 * 2.0.11 plugin rewrites its state file after every command: minutes), nor is a role listing a lane's ~1,250 devices
 * literally (each check would walk 1,250 entries). For the same reason the IOC runs without the broker's admin
 * identity: with it, its start would mirror the 10,000 registered devices into broker identities (reconcile).
 * Other sessions' tests and benches may share this 2-core VM: each measured step logs the cores they took meanwhile
 * (otherLoadCores), so a step that ran beside them, and its ratio to a reference that did not, can be told.
 * Ends with one JSON line: the secured figures under their earlier keys (msgPerSec, brokerOnlyMsgPerSec, …), the
 * unsecured ones, the ACL cost on each rate and on the broker's CPU per message, and ratioToBrokerAlone (goal ≥ 0.70).
 * Knobs (env): BENCH_SECONDS (20), BENCH_NOACL_SECONDS (BENCH_SECONDS: the ingest run without ACL checks),
 * BENCH_DEVICES (10000), BENCH_PUB_CONNECTIONS (8), BENCH_WINDOW (64), BENCH_INGEST_CONNECTIONS (the server's default,
 * 16 per process), BENCH_INGEST_PROCESSES (1), BENCH_COPY_ROWS (200000), BENCH_RATE msg/s offered in the ingest runs
 * (0: as fast as the broker acknowledges), BENCH_WARMUP_SECONDS (3): the same fleet publishes this long before each
 * ingest run, unmeasured, so the run measures the steady state (code warm); its rows are left out of every figure.
 * BENCH_PUBLISHER_NICE (10): the load generator's niceness (0: the same priority as the broker, the database and the
 * IOC). BENCH_DEVICE_RATE_PER_S and BENCH_DEVICE_BURST: the per-device rate limit the IOC runs with (see
 * DEVICE_RATE_PER_S).
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SECONDS = env('BENCH_SECONDS', 20);
const NOACL_SECONDS = env('BENCH_NOACL_SECONDS', SECONDS);
/** The broker-alone runs (each side). */
const BROKER_ALONE_SECONDS = Math.min(10, SECONDS);
const DEVICES = env('BENCH_DEVICES', 10_000);
const PUB_CONNECTIONS = env('BENCH_PUB_CONNECTIONS', 8);
const WINDOW = env('BENCH_WINDOW', 64);
/** Subscriber connections per ingest process: the server's own default (INGEST_CONNECTIONS) unless set. */
const INGEST_CONNECTIONS = process.env.BENCH_INGEST_CONNECTIONS;
const INGEST_PROCESSES = env('BENCH_INGEST_PROCESSES', 1);
const COPY_ROWS = env('BENCH_COPY_ROWS', 200_000);
/** msg/s the devices offer in the ingest runs; 0: as fast as the broker acknowledges them. */
const RATE = env('BENCH_RATE', 0);
/**
 * The load generator's niceness. It stands in for field devices that are not on this machine; at the same priority it
 * takes CPU from the broker, the database and the IOC as an equal and outruns them (the broker queues a backlog, and
 * the run mixes an overloaded phase with a drain). Lower, it uses what they leave, and the rate it offers is the rate
 * they sustain. 0: same priority.
 */
const PUBLISHER_NICE = env('BENCH_PUBLISHER_NICE', 10);
/** The fleet publishes this long before each measured ingest run (code warms up). */
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
/** Ingest must sustain at least this share of the broker-alone rate measured in the same run (issue 17). */
const GOAL_RATIO = 0.7;
/** The fleet the IOC ingests (device ids bench-ingest-<kind>-<n>), registered before it starts. */
const INGEST_FLEET = 'ingest';

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

const round1 = (x: number) => Math.round(x * 10) / 10;

/** CPU seconds the whole machine has been busy (every core; steal included: capacity the VM did not get). */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds this process (the bench: the broker-alone subscribers, the samplers) has used so far. */
function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * What the rest of the machine took while a step ran: other sessions' tests and benches share this VM and its
 * PostgreSQL cluster, and a step that ran beside them is slower for it. Cores busy on average with anything but the
 * broker, the IOC, the load generator, this process and PostgreSQL (other sessions' PostgreSQL work counts as ours).
 */
function otherLoad(pids: () => number[]): { stop: (publisherCpu: number) => number } {
  const t0 = Date.now();
  const busy0 = machineBusySeconds();
  const ours = () => pids().reduce((n, pid) => n + cpuSeconds(pid), 0) + selfCpuSeconds() + postgresCpuSeconds();
  const ours0 = ours();
  return {
    stop: (publisherCpu) => {
      const other = machineBusySeconds() - busy0 - (ours() - ours0) - publisherCpu;
      return Math.round((Math.max(0, other) / ((Date.now() - t0) / 1000)) * 100) / 100;
    },
  };
}

/** The load generator's identities: one per connection, the same names and passwords on both brokers. */
interface Lane {
  readonly username: string;
  readonly password: string;
  /** Its role's publishClientSend topics (on the secured broker). */
  readonly topics: readonly string[];
  readonly devices: number;
}

function planLanes(): Lane[] {
  return fleetLanes(fleet(DEVICES, `bench-${INGEST_FLEET}`), PUB_CONNECTIONS).map((devices, i) => ({
    username: laneUsername(i),
    password: randomSecret(),
    topics: laneTopics(devices),
    devices: devices.length,
  }));
}

/**
 * Creates the lanes' identities on the secured broker with its admin identity, as the registry creates a device's:
 * a role with the lane's ACLs, a client pinned to its client id.
 */
async function createLaneIdentities(broker: TestBroker, lanes: readonly Lane[]): Promise<void> {
  const admin = new DynsecClient(
    { url: broker.url, ...broker.admin, maxPacketBytes: 262_144 },
    testLogger.child({ component: 'bench-admin' }),
  );
  await admin.start();
  try {
    await admin.send(
      lanes.flatMap((l) =>
        createIdentityCommands({
          username: l.username,
          rolename: `bench-lane:${l.username}`,
          password: l.password,
          acls: l.topics.map((topic) => ({ acltype: 'publishClientSend', topic, allow: true })),
        }),
      ),
    );
  } finally {
    await admin.stop();
  }
}

/**
 * Lane 0 publishes once on its own first topic and once on a topic its role does not list (another lane's kind): on
 * the secured broker the second is refused (PUBACK reason code 135, not authorized), on the other both pass. Shows the
 * checks are in force (or not) before anything is measured.
 */
async function probeAcl(broker: TestBroker, lanes: readonly Lane[]): Promise<{ own: number; foreign: number }> {
  const own = lanes[0].topics[0].replace('+', 'bench-probe');
  const foreignTopic = lanes.flatMap((l) => l.topics).find((t) => !lanes[0].topics.includes(t));
  if (!foreignTopic) throw new Error('one lane carries every device type: nothing to probe');
  const foreign = foreignTopic.replace('+', 'bench-probe');
  const client = await connectAsync(broker.url, {
    protocolVersion: 5,
    clean: true,
    clientId: lanes[0].username,
    username: lanes[0].username,
    password: lanes[0].password,
    reconnectPeriod: 0,
  });
  const code = async (topic: string) =>
    // Resolved: success (0, or 16 "no matching subscribers"); rejected with the PUBACK's reason code.
    client.publishAsync(topic, '{}', { qos: 1 }).then(
      () => 0,
      (err: Error & { code?: number }) => err.code ?? 128,
    );
  try {
    return { own: await code(own), foreign: await code(foreign) };
  } finally {
    await client.endAsync();
  }
}

function runPublisher(
  broker: TestBroker,
  lanes: readonly Lane[],
  runId: string,
  durationMs: number,
  rate = 0,
  firstSeq = 0,
): Promise<PublisherResult> {
  const args = {
    url: broker.url,
    lanes: lanes.map((l) => ({ username: l.username, password: l.password })),
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

interface BrokerAlone {
  readonly msgPerSec: number;
  /** Mosquitto's CPU time per message received by the subscribers, µs. */
  readonly brokerCpuUs: number;
  /** Cores the rest of the machine kept busy meanwhile (otherLoad). */
  readonly otherLoadCores: number;
}

async function brokerOnly(broker: TestBroker, lanes: readonly Lane[], step: string): Promise<BrokerAlone> {
  log(
    `${step}: broker alone${broker.accessControl ? '' : ' WITHOUT ACL checks'}, QoS 1 publish → shared subscription ` +
      `(8 connections of the ingest identity), no database, ${BROKER_ALONE_SECONDS} s`,
  );
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
  const cpuBefore = cpuSeconds(broker.pid);
  const load = otherLoad(() => [broker.pid]);
  const pub = await runPublisher(broker, lanes, 'base', BROKER_ALONE_SECONDS * 1000);
  const deadline = Date.now() + 10_000;
  while (received < pub.published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const brokerCpu = cpuSeconds(broker.pid) - cpuBefore;
  const otherLoadCores = load.stop(pub.cpuSeconds);
  await Promise.all(subs.map((s) => s.endAsync()));
  if (pub.failed > 0) throw new Error(`the broker refused ${pub.failed} of the fleet's publishes`);
  const msgPerSec = received / ((last - first) / 1000);
  const brokerCpuUs = round1((brokerCpu * 1e6) / Math.max(1, received));
  log('broker alone', {
    published: pub.published,
    received,
    msgPerSec: Math.round(msgPerSec),
    brokerCpuUs,
    otherLoadCores,
  });
  return { msgPerSec, brokerCpuUs, otherLoadCores };
}

async function copyBaseline(url: string, step: string): Promise<number> {
  log(`${step}: COPY ${COPY_ROWS} rows into raw_message (same table, same indexes)`);
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

/** A fresh database, migrated, with the ingest fleet registered (the IOC refuses unregistered devices). */
async function registeredDatabase(): Promise<PlainTestDatabase> {
  const db = await createPlainTestDatabase();
  log('migrating a fresh PostgreSQL database', { url: db.url });
  const devices = fleet(DEVICES, `bench-${INGEST_FLEET}`);
  await registerDevices(db.url, devices, undefined);
  log(`registered the fleet's ${devices.length} devices in the IOC's registry (table device)`);
  return db;
}

interface IngestResult {
  readonly msgPerSec: number;
  readonly published: number;
  readonly stored: number;
  readonly duplicates: number;
  /** CPU time per stored message, µs. */
  readonly cpuUs: { ioc: number; publisher: number; broker: number; postgres: number };
  /** Cores the rest of the machine kept busy meanwhile (otherLoad). */
  readonly otherLoadCores: number;
}

async function ingestRun(
  broker: TestBroker,
  lanes: readonly Lane[],
  dbUrl: string,
  redisPrefix: string,
  step: string,
  seconds: number,
  firstSeq: number,
): Promise<IngestResult> {
  const secured = broker.accessControl;
  log(
    `${step}: IOC ingest${secured ? '' : ' WITHOUT ACL checks'}: ${INGEST_PROCESSES} IOC ingest process(es) × ${INGEST_CONNECTIONS ?? 'the default number of'} subscriber connections on one shared subscription, ${DEVICES} registered devices over ${PUB_CONNECTIONS} publisher connections, ${seconds} s`,
  );
  log(
    `per-device rate limit: INGEST_DEVICE_RATE_PER_S=${DEVICE_RATE_PER_S}, INGEST_DEVICE_BURST=${DEVICE_BURST} ` +
      `(the fleet may offer ${DEVICE_RATE_PER_S * DEVICES} msg/s; BENCH_DEVICE_RATE_PER_S, BENCH_DEVICE_BURST); ` +
      'INGEST_UNKNOWN_DEVICES=reject (the default)',
  );
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [];
  const servers = await Promise.all(
    Array.from({ length: INGEST_PROCESSES }, (_, i) =>
      startServer(
        {
          DATABASE_URL: dbUrl,
          MQTT_URL: broker.url,
          MQTT_USERNAME: broker.ingest.username,
          MQTT_PASSWORD: broker.ingest.password,
          // No admin identity: the IOC would mirror the 10,000 registered devices into broker identities at start.
          MQTT_ADMIN_PASSWORD: '',
          REDIS_PREFIX: redisPrefix,
          IOC_ROLES: 'api,ingest',
          INGEST_UNKNOWN_DEVICES: 'reject',
          INGEST_DEVICE_RATE_PER_S: String(DEVICE_RATE_PER_S),
          INGEST_DEVICE_BURST: String(DEVICE_BURST),
          ...(INGEST_CONNECTIONS && { INGEST_CONNECTIONS }),
          // Each ingest process needs its own persistent sessions.
          INGEST_INSTANCE_ID: `bench-${process.pid}-${secured ? 'acl' : 'noacl'}-${i}`,
        },
        60_000,
        nodeArgs,
      ),
    ),
  );
  const pool = new Pool({ connectionString: dbUrl, max: 1 });
  try {
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
      const warm = await runPublisher(broker, lanes, INGEST_FLEET, WARMUP_SECONDS * 1000, RATE, firstSeq);
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
    const load = otherLoad(() => [broker.pid, ...servers.map((server) => server.pid)]);
    // Message ids after the warm-up's: one fleet, no id given twice.
    const pub = await runPublisher(broker, lanes, INGEST_FLEET, seconds * 1000, RATE, firstSeq + 1_000_000_000);
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
    const otherLoadCores = load.stop(pub.cpuSeconds);
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
    const perMessage = (s: number) => round1((s * 1e6) / Math.max(1, stored));
    const cpuUs = {
      ioc: perMessage(cpu),
      publisher: perMessage(pub.cpuSeconds),
      broker: perMessage(brokerCpu),
      postgres: perMessage(postgresCpu),
    };
    log('CPU time per stored message, µs (two cores give 2,000,000 µs a second to share)', cpuUs);
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
    // The bench's messages are all valid and their devices registered: a refusal (RATE_LIMITED, DEVICE_UNKNOWN) means
    // the figure measures something else.
    if (quarantined > 0 || codes.rows.length > 0) {
      throw new Error(
        `${quarantined} messages quarantined (${codes.rows.map((r) => `${r.code}: ${r.n}`).join(', ')}); ` +
          'if RATE_LIMITED, raise BENCH_DEVICE_RATE_PER_S or BENCH_DEVICE_BURST',
      );
    }
    if (pub.failed > 0) throw new Error(`the broker refused ${pub.failed} of the fleet's publishes`);
    log(`ingest${secured ? '' : ' without ACL checks'}`, {
      published: pub.published,
      stored,
      seconds: round1(span),
      msgPerSec: Math.round(msgPerSec),
      otherLoadCores,
    });
    return { msgPerSec, published: pub.published, stored, duplicates: rows - distinct, cpuUs, otherLoadCores };
  } finally {
    await pool.end();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

async function main(): Promise<void> {
  const lanes = planLanes();
  const walk = meanAclWalk(fleetLanes(fleet(DEVICES, `bench-${INGEST_FLEET}`), PUB_CONNECTIONS));
  const prefix = `ioc-bench-${process.pid}`;
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    log(
      'starting Mosquitto with docker/mosquitto/mosquitto.conf (Dynamic Security, anonymous refused) on a spare port',
    );
    const broker = await startMosquitto();
    let brokerStopped = false;
    const stopBroker = async () => {
      if (brokerStopped) return;
      brokerStopped = true;
      await broker.stop();
    };
    cleanup.push(stopBroker);
    await createLaneIdentities(broker, lanes);
    log(
      `created ${lanes.length} publisher identities with the broker's admin identity ($CONTROL/dynamic-security/v1), ` +
        'client ids pinned, one role each. The ACL check of each publish walks its role’s publishClientSend entries ' +
        'in order until one matches:',
      Object.fromEntries(lanes.map((l) => [l.username, { devices: l.devices, publishClientSend: l.topics }])),
    );
    log(
      `ACL entries walked per publish, mean over the fleet: ${walk.lanes.toFixed(2)} through the lanes' roles, ` +
        `${walk.devices.toFixed(2)} through the roles the registry gives the same devices (their type's kinds, literal); ` +
        `and each delivery to the ingest identity (${broker.ingest.username}) is checked against its role's one ` +
        'publishClientReceive entry, ioc/v1/#',
    );
    const probe = await probeAcl(broker, lanes);
    log(
      'ACL probe: lane 0 publishing on its own topic and on a kind its role does not list (PUBACK reason codes)',
      probe,
    );
    if (probe.own !== 0 || probe.foreign < 0x80) throw new Error('the broker does not check the lanes’ ACLs');

    const dbA = await registeredDatabase();
    cleanup.push(() => dbA.drop());
    const brokerAlone = await brokerOnly(broker, lanes, '1/5');
    const copyRowsPerSec = await copyBaseline(dbA.url, '2/5');
    cleanup.push(() => deleteRedisPrefix(`${prefix}-acl`));
    const ingest = await ingestRun(broker, lanes, dbA.url, `${prefix}-acl`, '3/5', SECONDS, 0);
    await stopBroker();
    await dbA.drop();

    log('starting a second Mosquitto: the same configuration without the plugin, anonymous allowed (no ACL checks)');
    const open = await startMosquitto({ accessControl: false });
    cleanup.push(() => open.stop());
    const probeOpen = await probeAcl(open, lanes);
    log('ACL probe on the second broker (PUBACK reason codes)', probeOpen);
    if (probeOpen.foreign !== 0) throw new Error('the second broker checks ACLs');
    const dbB = await registeredDatabase();
    cleanup.push(() => dbB.drop());
    const brokerAloneNoAcl = await brokerOnly(open, lanes, '4/5');
    cleanup.push(() => deleteRedisPrefix(`${prefix}-noacl`));
    const ingestNoAcl = await ingestRun(open, lanes, dbB.url, `${prefix}-noacl`, '5/5', NOACL_SECONDS, 2_000_000_000);

    const ratio = ingest.msgPerSec / brokerAlone.msgPerSec;
    const cost = (withAcl: number, without: number) => round1((1 - withAcl / without) * 100);
    const aclCostBrokerPct = cost(brokerAlone.msgPerSec, brokerAloneNoAcl.msgPerSec);
    const aclCostIngestPct = cost(ingest.msgPerSec, ingestNoAcl.msgPerSec);
    log(
      'ACL cost, same run (the rates move with what else runs on the machine; the broker’s CPU per message hardly does)',
      {
        brokerAlone: `${Math.round(brokerAlone.msgPerSec)} msg/s with, ${Math.round(brokerAloneNoAcl.msgPerSec)} without: ${aclCostBrokerPct} %`,
        brokerCpuPerMsgAlone: `${brokerAlone.brokerCpuUs} µs with, ${brokerAloneNoAcl.brokerCpuUs} without`,
        ingest: `${Math.round(ingest.msgPerSec)} msg/s with, ${Math.round(ingestNoAcl.msgPerSec)} without: ${aclCostIngestPct} %`,
        brokerCpuPerMsgIngest: `${ingest.cpuUs.broker} µs with, ${ingestNoAcl.cpuUs.broker} without`,
        otherLoadCores: [brokerAlone, ingest, brokerAloneNoAcl, ingestNoAcl].map((r) => r.otherLoadCores),
      },
    );
    log(
      `ingest / broker alone, secured, same run: ${ratio.toFixed(2)} — ` +
        (ratio >= GOAL_RATIO ? `meets the goal (≥ ${GOAL_RATIO})` : `BELOW the goal (≥ ${GOAL_RATIO})`),
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ingest',
        msgPerSec: Math.round(ingest.msgPerSec),
        brokerOnlyMsgPerSec: Math.round(brokerAlone.msgPerSec),
        copyRowsPerSec: Math.round(copyRowsPerSec),
        published: ingest.published,
        stored: ingest.stored,
        duplicates: ingest.duplicates,
        ratioToBrokerAlone: +ratio.toFixed(3),
        meetsRatioGoal: ratio >= GOAL_RATIO,
        brokerAloneNoAclMsgPerSec: Math.round(brokerAloneNoAcl.msgPerSec),
        ingestNoAclMsgPerSec: Math.round(ingestNoAcl.msgPerSec),
        ratioToBrokerAloneNoAcl: +(ingestNoAcl.msgPerSec / brokerAloneNoAcl.msgPerSec).toFixed(3),
        aclCostBrokerPct,
        aclCostIngestPct,
        brokerCpuUsPerMsgAlone: brokerAlone.brokerCpuUs,
        brokerCpuUsPerMsgAloneNoAcl: brokerAloneNoAcl.brokerCpuUs,
        brokerCpuUsPerMsgIngest: ingest.cpuUs.broker,
        brokerCpuUsPerMsgIngestNoAcl: ingestNoAcl.cpuUs.broker,
        aclEntriesPerPublish: +walk.lanes.toFixed(2),
        publishedNoAcl: ingestNoAcl.published,
        storedNoAcl: ingestNoAcl.stored,
        duplicatesNoAcl: ingestNoAcl.duplicates,
        otherLoadCores: [brokerAlone, ingest, brokerAloneNoAcl, ingestNoAcl].map((r) => r.otherLoadCores),
      })}\n`,
    );
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err) => log(`cleanup: ${(err as Error).message}`));
  }
}

main().catch((err) => {
  process.stderr.write(`[bench:ingest] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
