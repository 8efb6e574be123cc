import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { TokenService } from '@ioc/auth';
import {
  DEFAULT_LIFECYCLE_POLICY,
  IncidentsModule,
  SOP_CATALOG,
  attachable,
  decide,
  foldByIncident,
  type IncidentCommand,
  type SopCatalog,
} from '@ioc/incidents';
import type { IncidentDomain, IncidentEvent, IncidentRecord, IncidentSignal, IncidentType } from '@ioc/domain';
import { loadConfig, PlatformModule } from '@ioc/platform';
import { IncidentEventStream, QueueModule } from '@ioc/queue';
import { IncidentRepository, StorageModule, UserRepository } from '@ioc/storage';
import { createPlainTestDatabase, deleteRedisPrefix, SeedsTestModule, startServer, testLogger } from '@ioc/testing';

/**
 * npm run bench:push — operator sockets connected to the real server (api role, built), incidents changing at a fixed
 * rate through the lifecycle's decider and IncidentRepository (the changes due at each tick in one transaction),
 * then published on the incident-event stream as the correlate role and the API do. The live incidents are opened
 * before the sockets connect, each at another step of its lifecycle, so the measured run is the steady state: changes
 * to live incidents, and clears with the raises replacing them spread evenly. Measures, per delivery, commit → socket
 * receipt latency, deliveries per second, and missed and duplicated deliveries (by seq, against what each socket's
 * subscription should have received).
 * Knobs (env): BENCH_OPERATORS (100), BENCH_RATE changes/s (1000), BENCH_SECONDS (15), BENCH_INCIDENTS live at once
 * (300), BENCH_WRITERS transactions in flight (4), BENCH_WARD_WATCHERS sockets that watch one ward only (0: every
 * operator watches the whole city; 10 puts room filtering under the same load),
 * BENCH_WATCHER_PROCESSES processes the operator sockets are spread over (2: one core each decodes half the deliveries).
 * Progress on stderr; the last line on stdout is
 * {"bench":"push","operators":N,"deliveriesPerSec":N,"p50Ms":N,"p99Ms":N,"missed":N,"duplicated":N}.
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const OPERATORS = env('BENCH_OPERATORS', 100);
const RATE = env('BENCH_RATE', 1000);
const SECONDS = env('BENCH_SECONDS', 15);
const INCIDENTS = env('BENCH_INCIDENTS', 300);
const WRITERS = env('BENCH_WRITERS', 4);
const WARD_WATCHERS = Math.min(env('BENCH_WARD_WATCHERS', 0), OPERATORS);
const WATCHER_PROCESSES = Math.max(1, Math.min(env('BENCH_WATCHER_PROCESSES', 2), OPERATORS));
const SECRET = 'bench-push';
/** The generator wakes this often and commits the changes due by then. */
const TICK_MS = 5;

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:push] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

const WARDS = Array.from({ length: 10 }, (_, i) => `ward-p${i + 1}`);
const TYPES: Array<[IncidentDomain, IncidentType]> = [
  ['flood', 'urban-flooding'],
  ['waste', 'bin-overflow'],
  ['traffic', 'congestion'],
  ['traffic', 'illegal-parking'],
  ['device-health', 'device-offline'],
];

/** Absolute time in ms, comparable with the watcher process's (same machine, same clock). */
const now = () => performance.timeOrigin + performance.now();

/** The watcher process (bench/push-watchers.ts): request/response over its IPC channel. */
function startWatchers(): { child: ChildProcess; next: <T>(type: string) => Promise<T> } {
  const execArgv = process.env.BENCH_WATCHER_NODE_ARGS ? process.env.BENCH_WATCHER_NODE_ARGS.split(' ') : [];
  const child = fork(path.join(__dirname, 'push-watchers.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const waiting = new Map<string, (m: unknown) => void>();
  child.on('message', (m: { type: string }) => waiting.get(m.type)?.(m));
  child.on('exit', (code) => {
    if (code) {
      process.stderr.write(`[bench:push] watcher process exited with ${code}\n`);
      process.exit(1);
    }
  });
  return { child, next: <T>(type: string) => new Promise<T>((r) => waiting.set(type, r as (m: unknown) => void)) };
}

async function main(): Promise<void> {
  const db = await createPlainTestDatabase();
  const prefix = `ioc-bench-push-${process.pid}`;
  const serverEnv = {
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    IOC_ROLES: 'api',
    AUTH_JWT_SECRET: SECRET,
    DATABASE_POOL_SIZE: '8',
  };
  log('starting the server (api role)');
  const server = await startServer(
    serverEnv,
    60_000,
    process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [],
  );
  // The generator stands in for the correlate role and API processes: its sessions commit without waiting for the
  // WAL flush, so the changes/s it can make are not bounded by this machine's fsync (the server under test only reads).
  const writerUrl = `${db.url}?options=${encodeURIComponent('-c synchronous_commit=off')}`;
  const config = loadConfig({
    ...serverEnv,
    DATABASE_URL: writerUrl,
    DATABASE_POOL_SIZE: String(WRITERS + 2),
    LOG_LEVEL: 'silent',
  });
  @Module({
    imports: [
      PlatformModule.forRoot(config, testLogger),
      StorageModule.forRoot(),
      QueueModule,
      SeedsTestModule,
      IncidentsModule,
    ],
  })
  class Writer {}
  const writer = await NestFactory.createApplicationContext(Writer, { logger: false });
  const stream = writer.get(IncidentEventStream);
  const tokens = new TokenService(
    new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: 3600 } }),
  );
  const users = writer.get(UserRepository);

  // When each seq was committed (absolute ms), and the ward of its incident.
  const committedAt = new Map<number, number>();
  const wardOf = new Map<number, string>();

  // Incidents are raised, then grow with evidence, get severity raises, acknowledgements, comments; cleared ones are
  // replaced by new ones. Each tick's changes go through the lifecycle's decider and IncidentRepository in one
  // transaction (as a correlate role applying a batch would), then onto the incident-event stream as one entry.
  type Live = { key: string; id?: string; ward: string; type: IncidentType; n: number; severity: number };
  const live: Live[] = [];
  let made = 0;
  const fresh = (): Live => {
    const [, type] = TYPES[made % TYPES.length];
    const ward = WARDS[made % WARDS.length];
    return { key: `${type}:${ward}#${made++}`, ward, type, n: 0, severity: 0 };
  };
  for (let i = 0; i < INCIDENTS; i++) live.push(fresh());
  const SEV = ['minor', 'moderate', 'major', 'critical'] as const;
  const sops = writer.get<SopCatalog>(SOP_CATALOG);
  const repo = writer.get(IncidentRepository);
  const commandFor = (i: number, inc: Live, at: number): IncidentCommand => {
    const evidence = [
      {
        at,
        source: 'sensor' as const,
        deviceId: `dev-${inc.ward}-${i % INCIDENTS}`,
        msgId: `m-${i}`,
        kind: 'water-level',
        summary: `dev-${inc.ward} level ${20 + (i % 40)} cm ≥ 20 cm`,
        value: 20 + (i % 40),
        unit: 'cm',
      },
    ];
    const signal = (sig: IncidentSignal): IncidentCommand => {
      const sop = sig.op === 'raise' ? sops.forType(sig.type) : undefined;
      return {
        kind: 'apply-signal',
        signal: sig,
        exercise: false,
        newIncidentId: randomUUID(),
        ...(sop && { sop: attachable(sop) }),
      };
    };
    if (!inc.id)
      return signal({
        op: 'raise',
        key: inc.key,
        type: inc.type,
        ruleId: `bench.${inc.type}`,
        zone: { kind: 'ward', id: inc.ward },
        severity: 'minor',
        at,
        evidence,
        title: { vi: `Sự cố ${inc.key}`, en: `Incident ${inc.key}` },
      });
    const step = inc.n++ % 10;
    if (step === 3 && inc.severity < 3)
      return signal({ op: 'update', key: inc.key, at, severity: SEV[++inc.severity], evidence });
    if (step === 5) return { kind: 'acknowledge', by: 'bench-operator' };
    if (step === 7) return { kind: 'comment', text: `ghi chú ${i}`, by: 'bench-operator' };
    if (step === 9) return signal({ op: 'clear', key: inc.key, at, reason: 'bench' });
    return signal({ op: 'update', key: inc.key, at, evidence });
  };
  const applyBatch = async (from: number, to: number, measured = true): Promise<void> => {
    const touched: Array<{ slot: number; inc: Live }> = [];
    const stored = await repo.transaction(async (tx) => {
      const records = new Map<string, IncidentRecord>();
      const previous = new Map<string, number>();
      const events: IncidentEvent[] = [];
      const now = Date.now();
      // The batch's incidents (distinct slots: a batch is shorter than the live set), locked in one statement.
      const ids: string[] = [];
      for (let i = from; i < to; i++) if (live[i % INCIDENTS].id) ids.push(live[i % INCIDENTS].id!);
      const locked = await tx.lockByIds(ids);
      for (let i = from; i < to; i++) {
        const slot = i % INCIDENTS;
        const inc = live[slot];
        const current = inc.id ? locked.get(inc.id) : undefined;
        const decided = decide(commandFor(i, inc, now), current, { now, policy: DEFAULT_LIFECYCLE_POLICY });
        if (decided.length === 0) continue;
        for (const [id, r] of foldByIncident(current, decided)) {
          records.set(id, r);
          if (current && id === current.id) previous.set(id, current.version);
          if (!inc.id) inc.id = id;
        }
        events.push(...decided);
        touched.push({ slot, inc });
      }
      const saved = await tx.save(records, previous, events);
      if (saved === 'conflict') throw new Error('bench keys are unique: no conflict expected');
      return saved;
    });
    const at = now();
    const wardById = new Map(touched.map(({ inc }) => [inc.id!, inc.ward]));
    if (measured) {
      for (const e of stored) {
        committedAt.set(e.seq, at);
        wardOf.set(e.seq, wardById.get(e.incidentId)!);
      }
    }
    for (const { slot, inc } of touched) if (inc.n % 10 === 0 && inc.n > 0 && live[slot] === inc) live[slot] = fresh();
    await stream.publish(stored);
  };

  // Set-up, before the sockets connect: the live incidents are opened, and each is put at another step of its
  // lifecycle, so that clears and the raises replacing them are spread over the run instead of all falling due in
  // the same tick every ten changes per incident.
  log('opening the live incidents', { incidents: INCIDENTS });
  for (let from = 0; from < INCIDENTS; from += 50) await applyBatch(from, Math.min(INCIDENTS, from + 50), false);
  live.forEach((inc, slot) => (inc.n = slot % 10));

  log(`connecting ${OPERATORS} operator sockets (their own process)`, { wardWatchers: WARD_WATCHERS });
  const sockets: Array<{ token: string; ward?: string }> = [];
  for (let i = 0; i < OPERATORS; i++) {
    const ward = i < WARD_WATCHERS ? WARDS[i % WARDS.length] : undefined;
    // One stored operator per socket (the handshake checks the user as stored); the token is signed here, with the
    // server's secret, rather than logged in for (100 argon2 verifications).
    const username = `bench-op-${i}`;
    const stored = await users.insert({
      username,
      displayName: `Operator ${i}`,
      role: 'operator',
      passwordHash: 'not-used-by-the-bench',
    });
    if (stored === 'taken') throw new Error(`user ${username} exists`);
    const token = await tokens.sign({ userId: stored.id, username, displayName: stored.displayName, role: 'operator' });
    sockets.push({ token, ...(ward && { ward }) });
  }
  const watchers = Array.from({ length: WATCHER_PROCESSES }, () => startWatchers());
  await Promise.all(
    watchers.map((w, p) => {
      const ready = w.next('ready');
      w.child.send({
        type: 'start',
        baseUrl: server.baseUrl,
        sockets: sockets.filter((_, i) => i % WATCHER_PROCESSES === p),
      });
      return ready;
    }),
  );
  log('connected; generating changes', { rate: RATE, seconds: SECONDS, incidents: INCIDENTS });

  // Paced: one batch per tick (the changes due by then), at most WRITERS batches in flight on disjoint incidents.
  const first = INCIDENTS;
  const total = first + RATE * SECONDS;
  const start = now();
  let next = first;
  let lateTicks = 0;
  const inFlight = new Set<Promise<void>>();
  while (next < total) {
    const due = Math.min(total, first + Math.floor(((now() - start) * RATE) / 1000));
    const to = Math.min(due, next + Math.floor(INCIDENTS / (WRITERS + 1)));
    if (to > next && inFlight.size < WRITERS) {
      const p = applyBatch(next, to).finally(() => inFlight.delete(p));
      inFlight.add(p);
      next = to;
      if (due - next > RATE / 10) lateTicks++;
      if (Math.floor((next - first) / (RATE * 5)) !== Math.floor((next - first - 1) / (RATE * 5)) || next === total)
        log('progress', { changes: next - first, seconds: Math.round((now() - start) / 1000) });
    } else {
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
  }
  await Promise.all(inFlight);
  const genMs = now() - start;
  log('generated', {
    changes: total - first,
    events: committedAt.size,
    seconds: +(genMs / 1000).toFixed(1),
    changesPerSec: Math.round((total - first) / (genMs / 1000)),
    lateTicks,
  });

  interface WatchResult {
    delivered: number;
    expected: number;
    missed: number;
    duplicated: number;
    outOfOrder: number;
    lastAt: number;
    histogram: Array<[number, number]>;
  }
  const committed = [...committedAt].map(([seq, at]) => [seq, at, wardOf.get(seq)!]);
  const results = await Promise.all(
    watchers.map((w) => {
      const done = w.next<WatchResult>('result');
      w.child.send({ type: 'finish', committed });
      return done;
    }),
  );
  const sum = (k: 'delivered' | 'expected' | 'missed' | 'duplicated' | 'outOfOrder') =>
    results.reduce((n, x) => n + x[k], 0);
  const histogram = new Map<number, number>();
  for (const x of results)
    for (const [bucket, count] of x.histogram) histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
  const buckets = [...histogram].sort((a, b) => a[0] - b[0]);
  const samples = buckets.reduce((n, [, c]) => n + c, 0);
  /** Upper edge of the 0.1 ms bucket holding the p-th percentile. */
  const pct = (p: number) => {
    let seen = 0;
    for (const [bucket, count] of buckets)
      if ((seen += count) > Math.min(samples - 1, Math.floor((p / 100) * samples))) return (bucket + 1) / 10;
    return NaN;
  };
  const r = {
    delivered: sum('delivered'),
    expected: sum('expected'),
    missed: sum('missed'),
    duplicated: sum('duplicated'),
    outOfOrder: sum('outOfOrder'),
    lastAt: Math.max(...results.map((x) => x.lastAt)),
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: pct(100),
  };
  const elapsedS = (r.lastAt - start) / 1000;
  const result = {
    bench: 'push',
    operators: OPERATORS,
    deliveriesPerSec: Math.round(r.delivered / elapsedS),
    p50Ms: +r.p50.toFixed(1),
    p99Ms: +r.p99.toFixed(1),
    missed: r.missed,
    duplicated: r.duplicated,
  };
  log('done', {
    delivered: r.delivered,
    expected: r.expected,
    outOfOrder: r.outOfOrder,
    events: committedAt.size,
    elapsedS: +elapsedS.toFixed(1),
    p90Ms: +r.p90.toFixed(1),
    maxMs: +r.max.toFixed(1),
  });

  const warnings = server
    .logs()
    .split('\n')
    .filter((l) => l.includes('"level":40') || l.includes('"level":50'));
  if (warnings.length)
    log(
      `server warnings: ${warnings.length}; first: ${warnings[0].slice(0, 400)}; last: ${warnings[warnings.length - 1].slice(0, 400)}`,
    );
  await writer.close();
  await server.stop();
  await db.drop();
  await deleteRedisPrefix(prefix);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:push failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
