import pino from 'pino';
import IORedis from 'ioredis';
import { JOBS, QUEUES, escalationJobId } from '@ioc/contracts';
import { JobRunner } from '@ioc/queue';
import { ESCALATION_WORKER, type EscalationRunner } from '@ioc/incidents';
import { startRedisServer, type RedisServerHandle } from '@ioc/testing';

/**
 * npm run bench:timers — lateness of escalation timers: BENCH_JOBS (10000) delayed jobs on the escalation queue, due
 * at random times spread over BENCH_SPREAD_S (15) seconds starting BENCH_LEAD_S (3) s after scheduling begins, run
 * by one worker with the escalation worker's settings (ESCALATION_WORKER). Lateness = when the handler starts − the
 * due time the job was scheduled for (same host clock). Redis: a redis-server of its own on a spare port with
 * docker/redis/redis.conf (BENCH_REDIS_ARGS adds arguments, e.g. "--hz 10" to compare; BENCH_REDIS_URL uses an
 * existing server instead). Progress on stderr; the last line on stdout is {"bench":"timers","jobs":N,"p99LatenessMs":N}.
 */
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const JOBS_N = env('BENCH_JOBS', 10_000);
const SPREAD_MS = env('BENCH_SPREAD_S', 15) * 1000;
const LEAD_MS = env('BENCH_LEAD_S', 3) * 1000;
const CONCURRENCY = env('BENCH_CONCURRENCY', ESCALATION_WORKER.concurrency ?? 8);

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:timers] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  let server: RedisServerHandle | undefined;
  let url = process.env.BENCH_REDIS_URL;
  if (!url) {
    const extra = (process.env.BENCH_REDIS_ARGS ?? '').split(/\s+/).filter(Boolean);
    log('starting redis-server with docker/redis/redis.conf on a spare port', { extra });
    server = await startRedisServer(extra);
    url = server.url;
  }
  const admin = new IORedis(url);
  const prefix = `bench-timers-${process.pid}`;
  const runner: EscalationRunner = new JobRunner(
    { redisUrl: url, prefix, queue: QUEUES.escalation, ...ESCALATION_WORKER, concurrency: CONCURRENCY },
    pino({ level: 'silent' }),
  );
  try {
    const settings = Object.fromEntries(
      await Promise.all(
        ['hz', 'dynamic-hz', 'appendonly', 'appendfsync', 'maxmemory-policy'].map(
          async (k) => (await admin.config('GET', k)) as [string, string],
        ),
      ),
    );
    const info = await admin.info('server');
    log('redis', {
      version: /redis_version:(\S+)/.exec(info)?.[1],
      ...settings,
      worker: { ...ESCALATION_WORKER, concurrency: CONCURRENCY },
    });

    const dueById = new Map<string, number>();
    const lateness: number[] = [];
    await runner.start({
      [JOBS.escalateIncident]: async (job) => {
        const started = Date.now();
        const due = dueById.get(job.id!);
        if (due !== undefined) lateness.push(started - due);
        return null;
      },
    });

    const t0 = Date.now();
    const first = t0 + LEAD_MS;
    const dues = Array.from({ length: JOBS_N }, () => first + Math.random() * SPREAD_MS).map(Math.round);
    // Scheduling, 200 adds in flight; each job's delay is computed when it is added, from the due time it must meet.
    let next = 0;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        for (let i = next++; i < JOBS_N; i = next++) {
          const id = escalationJobId(`bench-${i}`, 1);
          dueById.set(id, dues[i]);
          await runner.add(
            JOBS.escalateIncident,
            { incidentId: `bench-${i}`, level: 1 },
            { jobId: id, delayMs: dues[i] - Date.now() },
          );
        }
      }),
    );
    log('scheduled', {
      jobs: JOBS_N,
      ms: Date.now() - t0,
      firstDueInMs: first - Date.now(),
      spreadS: SPREAD_MS / 1000,
    });
    if (Date.now() > first) log('warning: scheduling overran the first due time; raise BENCH_LEAD_S');

    const deadline = first + SPREAD_MS + 30_000;
    let shown = 0;
    while (lateness.length < JOBS_N && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      const recent = lateness.slice(shown).sort((a, b) => a - b);
      shown += recent.length;
      log('running', {
        fired: lateness.length,
        of: JOBS_N,
        lastSecond: {
          jobs: recent.length,
          p50: percentile(recent, 50),
          p99: percentile(recent, 99),
          max: recent.at(-1),
        },
      });
    }
    const sorted = [...lateness].sort((a, b) => a - b);
    const summary = {
      fired: sorted.length,
      early: sorted.filter((x) => x < 0).length,
      meanMs: round1(sorted.reduce((s, x) => s + x, 0) / sorted.length),
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      p999Ms: percentile(sorted, 99.9),
      maxMs: sorted.at(-1),
      redisLatencyEvents: await admin.call('LATENCY', 'LATEST'),
    };
    log('done', summary);
    if (sorted.length < JOBS_N) throw new Error(`only ${sorted.length} of ${JOBS_N} timers fired`);
    process.stdout.write(
      `lateness ms: p50 ${summary.p50Ms}, p90 ${summary.p90Ms}, p99 ${summary.p99Ms}, p99.9 ${summary.p999Ms}, max ${summary.maxMs} (hz ${settings.hz})\n`,
    );
    process.stdout.write(`${JSON.stringify({ bench: 'timers', jobs: JOBS_N, p99LatenessMs: summary.p99Ms })}\n`);
  } finally {
    await runner.close();
    if (!server) {
      const keys = await admin.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 1000) await admin.del(...keys.slice(i, i + 1000));
    }
    admin.disconnect();
    await server?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench:timers] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
