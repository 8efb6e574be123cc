import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Test } from '@nestjs/testing';
import pino from 'pino';
import IORedis from 'ioredis';
import { loadCity, planConnections, TOPOLOGY, type Topology } from '@ioc/city';
import { createMessageValidators, EXERCISE_SPEED_FASTEST, MessageDecoder } from '@ioc/contracts';
import { compareDecisions, liveDecisions, RULES, type LiveDecision, type RuleSet } from '@ioc/correlation';
import {
  EXERCISE_RUNNER_DEFAULTS,
  ExerciseRunner,
  ExerciseService,
  RecordingCursor,
  runBacktest,
  type AppliedDecision,
} from '@ioc/correlate';
import { IncidentChangeFanout, IncidentService } from '@ioc/incidents';
import { CLOCK, LOGGER, loadConfig, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import {
  DATABASE,
  ExerciseRepository,
  IngestRepository,
  RawMessageRepository,
  ingestRepositoryOptionsFor,
  type Database,
} from '@ioc/storage';
import { createPlainTestDatabase } from '@ioc/testing';
import { AppModule } from '../apps/ioc/src/app.module';
import { loadScenario, scenarioRecording, Simulation, type ScenarioRecordingStats } from '../devices/src';

/**
 * npm run bench:replay [-- --hours N] — a recorded city day replayed as an exercise at speed "max".
 *
 * 1. The default fleet's day (BENCH_SCENARIO, default the first 24 h of tet-waste-surge; `--hours` or BENCH_HOURS cuts
 *    it short for CI) is
 *    generated at machine speed by the simulator's --record code (the ingest's own validation), stored in raw_message
 *    by the ingest's write, and recorded from there as a trainer records history (ExerciseService.record): on a fresh
 *    database of the plain PostgreSQL server (IOC_TEST_PG_URL), dropped at the end.
 * 2. Reference: the raw replay read, the recording's pages through the runner's RecordingCursor, no engine, no writes.
 * 3. The replay: the server's jobs role in this process (AppModule, Redis with a prefix of its own), the exercise
 *    started through ExerciseService at speed "max": the run-exercise job on BullMQ, the ExerciseRunner with the real
 *    IncidentService writing exercise incidents. Timed from the start to the exercise wound up.
 * 4. identicalToLive: the backtest of the same window over raw_message (`npm run rules:backtest`'s code) against the
 *    replay's decisions (key without the exercise prefix, type, drill time), in order.
 * Progress on stderr; the last line on stdout is the JSON. Exits 1 when the replay is not identical to live or its
 * speedFactor is below 100 (the floor), so CI can run `--hours 1`.
 */
const { values: args } = parseArgs({
  options: { hours: { type: 'string' }, 'page-size': { type: 'string' } },
});
const HOURS = Number(args.hours ?? process.env.BENCH_HOURS ?? 24);
/**
 * The first day of the Tết waste surge: a day of the whole default fleet in which the engine decides (overflowing
 * bins, a missed collection), so that identicalToLive compares real decisions (an ordinary day decides nothing).
 */
const SCENARIO = process.env.BENCH_SCENARIO ?? 'tet-waste-surge';
const PAGE_SIZE = Number(args['page-size'] ?? process.env.BENCH_PAGE_SIZE ?? EXERCISE_RUNNER_DEFAULTS.pageSize);
/** BENCH_CPU_PROF=file.cpuprofile: a CPU profile of this process during the replay only. */
const PROFILE = process.env.BENCH_CPU_PROF;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The issue's floor: a replay never slower than this many times real time (the goal is 1,000). */
const MIN_SPEED_FACTOR = 100;
/** Who starts the bench's exercise and makes its recording. */
const TRAINER = 'bench';

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[bench:replay] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The scenario generated at machine speed and stored as the ingest stores what it accepts. */
async function storeDay(
  db: Database,
  config: IocConfig,
): Promise<{ from: Date; to: Date; stored: number; hours: number }> {
  const scenario = loadScenario(SCENARIO);
  const durationS = Math.min(scenario.durationS, HOURS * 3600);
  // Whole days back from the scenario's dates so that the day ends by now: inside raw_message's retention (90 days),
  // at the scenario's hours of the day.
  const tsOffsetMs = Math.floor((Date.now() - (scenario.startMs + durationS * 1000)) / DAY_MS) * DAY_MS;
  const sim = new Simulation({ city: loadCity(), scenario: { ...scenario, durationS }, seed: 42, tsOffsetMs });
  const from = sim.startMs + tsOffsetMs;
  const to = from + durationS * 1000;
  log('generating and storing the scenario', {
    scenario: SCENARIO,
    hours: durationS / 3600,
    devices: sim.devices.length,
  });
  const decoder = new MessageDecoder(createMessageValidators(), config.ingest);
  const ingest = new IngestRepository(db.pool, ingestRepositoryOptionsFor(db));
  const stats: ScenarioRecordingStats = { generated: 0, accepted: 0, quarantined: {}, outsideWindow: 0 };
  const topology = planConnections(sim.devices.map((d) => d.site));
  const t0 = performance.now();
  let stored = 0;
  let next = 100_000;
  for await (const batch of scenarioRecording(sim, topology, decoder, { fromMs: from, toMs: to, tsOffsetMs }, stats)) {
    const r = await ingest.commit({ accepted: batch.messages, quarantined: [], newDevices: [] });
    stored += r.stored.length;
    if (stored >= next) {
      next += 100_000;
      log('  stored', {
        messages: stored,
        localTime: new Date(batch.messages.at(-1)!.ts.getTime() + 7 * 3_600_000).toISOString().slice(11, 16),
      });
    }
  }
  log('stored', { messages: stored, ...stats, seconds: round((performance.now() - t0) / 1000, 1) });
  return { from: new Date(from), to: new Date(to), stored, hours: durationS / 3600 };
}

/** The reference: the recording read as the runner reads it, page by page, with no engine and no writes. */
async function rawRead(
  repo: ExerciseRepository,
  recordingId: string,
  to: number,
): Promise<{ events: number; seconds: number }> {
  const cursor = new RecordingCursor(repo, recordingId, PAGE_SIZE);
  const t0 = performance.now();
  let events = 0;
  for (;;) {
    const step = await cursor.next(to);
    events += step.events.length;
    if (step.reached >= to) break;
  }
  return { events, seconds: (performance.now() - t0) / 1000 };
}

const refOf = (r: { events: number; seconds: number }) => ({
  events: r.events,
  seconds: round(r.seconds, 2),
  eventsPerSec: Math.round(r.events / r.seconds),
});

async function main(): Promise<void> {
  if (!(HOURS > 0)) throw new Error(`--hours must be a positive number, not ${args.hours ?? process.env.BENCH_HOURS}`);
  const pg = await createPlainTestDatabase();
  const prefix = `bench-replay-${process.pid}`;
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const config = loadConfig({
    ...process.env,
    IOC_ROLES: 'jobs',
    DATABASE_URL: pg.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: logger.level,
    // The jobs role's storage maintenance (rollups, retention) is not the exercise path: not during the bench.
    MAINTENANCE_INTERVAL_S: '86400',
  });
  const applied: AppliedDecision[] = [];
  log('database', {
    url: pg.url.replace(/\/\/[^@]*@/, '//'),
    redisPrefix: prefix,
    pageSize: PAGE_SIZE,
  });
  // The server's jobs role as `IOC_ROLES=jobs` runs it; only the runner is told of each decision it applies.
  const app = await Test.createTestingModule({ imports: [AppModule.forRoot(config, logger)] })
    .overrideProvider(ExerciseRunner)
    .useFactory({
      inject: [
        ExerciseRepository,
        ExerciseService,
        IncidentService,
        IncidentChangeFanout,
        RULES,
        TOPOLOGY,
        CLOCK,
        LOGGER,
      ],
      factory: (
        repo: ExerciseRepository,
        service: ExerciseService,
        incidents: IncidentService,
        fanout: IncidentChangeFanout,
        rules: RuleSet,
        topology: Topology,
        clock: Clock,
        log: Logger,
      ) =>
        new ExerciseRunner(
          repo,
          service,
          incidents,
          fanout,
          { rules, topology },
          clock,
          log.child({ component: 'exercises' }),
          {
            ...EXERCISE_RUNNER_DEFAULTS,
            pageSize: PAGE_SIZE,
            onApplied: (d) => applied.push(d),
          },
        ),
    })
    .compile();
  try {
    await app.init();
    const db = app.get<Database>(DATABASE);
    const repo = app.get(ExerciseRepository);
    const service = app.get(ExerciseService);
    const { from, to, stored, hours } = await storeDay(db, config);

    const r0 = performance.now();
    const recording = await service.record({ name: `bench ${SCENARIO} ${hours} h`, from, to }, TRAINER);
    const events = recording.messages + recording.reports;
    log('recorded', {
      id: recording.id,
      messages: recording.messages,
      reports: recording.reports,
      seconds: round((performance.now() - r0) / 1000, 1),
    });
    if (recording.messages !== stored)
      throw new Error(`the recording holds ${recording.messages} messages of ${stored} stored`);

    // The day just written leaves the database work of its own (autovacuum, analyze, dirty pages): done before timing.
    for (const t of ['raw_message', 'flood_reading', 'waste_reading', 'camera_event', 'exercise_recording_message'])
      await db.pool.query(`VACUUM (ANALYZE) ${t}`);
    await db.pool.query('CHECKPOINT');
    // The reference, before and after the replay (the machine's speed drifts): the mean of the two.
    const refs = [await rawRead(repo, recording.id, to.getTime())];
    log('reference: raw replay read', refOf(refs[0]));
    log('replaying at speed "max" through the run-exercise job (BullMQ) and the ExerciseRunner');
    const profiler = PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const t0 = performance.now();
    const started = await service.start({ recordingId: recording.id, speed: EXERCISE_SPEED_FASTEST }, TRAINER);
    let lastShown = t0;
    for (;;) {
      await sleep(20);
      const e = await repo.findExercise(started.id);
      if (!e) throw new Error('the exercise vanished');
      if (e.status !== 'running' && e.woundUp) break;
      if (performance.now() - lastShown >= 2_000) {
        lastShown = performance.now();
        const at = e.replayedTo?.getTime() ?? from.getTime();
        log('  replaying', {
          drillLocalTime: new Date(at + 7 * 3_600_000).toISOString().slice(11, 16),
          decisions: e.signalsApplied,
          speedFactorSoFar: round((at - from.getTime()) / (lastShown - t0)),
        });
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const loadDuring = os.loadavg()[0];
    if (profiler && PROFILE) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(PROFILE, JSON.stringify(profile));
      profiler.disconnect();
      log('CPU profile of the replay written', { file: PROFILE });
    }
    const ended = await service.get(started.id);
    if (ended.status !== 'finished') throw new Error(`the exercise ended ${ended.status}: ${ended.error ?? ''}`);
    const eventsPerSec = events / seconds;
    const speedFactor = (to.getTime() - from.getTime()) / 1000 / seconds;
    // What the replay wrote: the exercise incidents of its run in the database, none left active after its wind-up.
    const { rows } = await db.pool.query<{ key: string; active: boolean }>(
      `SELECT DISTINCT dedup_key AS key, bool_or(state NOT IN ('resolved', 'closed')) AS active
       FROM incident WHERE exercise AND starts_with(dedup_key, $1) GROUP BY dedup_key`,
      [started.runPrefix],
    );
    const written = new Set(rows.map((r) => r.key.slice(started.runPrefix.length)));
    const leftActive = rows.filter((r) => r.active).length;
    log('replayed', {
      seconds: round(seconds, 2),
      events,
      eventsPerSec: Math.round(eventsPerSec),
      speedFactor: Math.round(speedFactor),
      decisions: applied.length,
      incidentKeysWritten: written.size,
      leftActive,
    });

    refs.push(await rawRead(repo, recording.id, to.getTime()));
    log('reference again: raw replay read', refOf(refs[1]));
    const referenceEventsPerSec = (refs[0].events / refs[0].seconds + refs[1].events / refs[1].seconds) / 2;

    log('backtest of the same window over raw_message');
    const b0 = performance.now();
    const bt = await runBacktest(
      {
        rules: app.get<RuleSet>(RULES),
        topology: app.get<Topology>(TOPOLOGY),
        ruleIds: [],
        from,
        to,
        maxEvents: 10_000_000,
      },
      app.get(RawMessageRepository),
      (line) => log(`  ${line.trim()}`),
    );
    log('backtest done', {
      events: bt.events,
      signals: bt.signals.length,
      incidents: bt.incidents.length,
      seconds: round((performance.now() - b0) / 1000, 1),
    });
    const replayed: LiveDecision[] = liveDecisions(
      applied.map((d) => ({ signal: d.signal, at: d.drillAt })),
      started.runPrefix,
    );
    const live: LiveDecision[] = liveDecisions(bt.signals.map((s) => ({ signal: s, at: s.at })));
    const cmp = compareDecisions(replayed, live, ['replay', 'backtest']);
    const raises = replayed.filter((d) => d.op === 'raise').length;
    const raisedKeys = new Set(replayed.filter((d) => d.op === 'raise').map((d) => d.key));
    const incidentsWritten =
      leftActive === 0 && raisedKeys.size === written.size && [...raisedKeys].every((k) => written.has(k));
    log(cmp.identical ? 'replay and backtest: the same decisions' : 'replay and backtest differ', {
      replayDecisions: replayed.length,
      backtestDecisions: live.length,
      raises,
      incidentKeysWritten: written.size,
    });
    for (const d of cmp.differences) log(`  ${d}`);
    if (replayed.length === 0 && live.length === 0)
      log(
        '  neither made a decision (an ordinary day): the comparison holds trivially; BENCH_SCENARIO=king-tide-rain-october has incidents',
      );
    if (!incidentsWritten)
      log('  the database does not hold the incidents raised', {
        raisedKeys: raisedKeys.size,
        written: written.size,
        leftActive,
      });

    process.stdout.write(
      `${JSON.stringify({
        bench: 'replay',
        scenarioHours: hours,
        events,
        eventsPerSec: Math.round(eventsPerSec),
        speedFactor: Math.round(speedFactor),
        identicalToLive: cmp.identical && incidentsWritten,
        referenceEventsPerSec: Math.round(referenceEventsPerSec),
        ratioToReference: round(eventsPerSec / referenceEventsPerSec, 3),
        referenceRunsEventsPerSec: refs.map((r) => Math.round(r.events / r.seconds)),
        loadAverage1m: round(loadDuring, 2),
        replaySeconds: round(seconds, 2),
        decisions: replayed.length,
        incidents: raises,
        path: 'ExerciseService.start → run-exercise job (BullMQ) → ExerciseRunner → IncidentService (PostgreSQL)',
        scenario: SCENARIO,
        pageSize: PAGE_SIZE,
      })}\n`,
    );
    // For CI: a replay that decides otherwise than live, or slower than the floor, fails the run (after its line).
    if (!(cmp.identical && incidentsWritten)) process.exitCode = 1;
    // A whole day that decides nothing proves nothing about identity: a scenario with incidents is the bench's.
    if (HOURS >= 24 && replayed.length === 0) {
      log('the day made no decision: identicalToLive compared nothing; choose a BENCH_SCENARIO with incidents');
      process.exitCode = 1;
    }
    if (speedFactor < MIN_SPEED_FACTOR) {
      log(`speedFactor ${Math.round(speedFactor)} is below the floor of ${MIN_SPEED_FACTOR}`);
      process.exitCode = 1;
    }
  } finally {
    await app.close();
    const admin = new IORedis(REDIS_URL);
    const keys = await admin.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await admin.del(...keys.slice(i, i + 1000));
    admin.disconnect();
    await pg.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench:replay] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
