import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { escalationJobId } from '@ioc/contracts';
import type { IncidentNotification } from '@ioc/domain';
import {
  createPlainTestDatabase,
  deleteRedisPrefix,
  projectRoot,
  testLogger,
  type PlainTestDatabase,
} from '@ioc/testing';
import { openDatabase } from '@ioc/storage';
// Test-only helpers that need @ioc/incidents live outside @ioc/testing's index (which the libraries' own tests import).
import { createTestIncidentTable, startEscalationStack, type EscalationStack } from '@ioc/testing/escalation';
import { ESCALATION_FAULT_POINTS, parseEscalationPolicy, type EscalationFaultPoint } from '@ioc/incidents';

jest.setTimeout(120_000);

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Short ladders so the whole thing runs in seconds. Critical: 2 levels and 2 reminders; major: reminders until acknowledged. */
const POLICY_YAML = `
version: 1
channel: console
severities:
  critical:
    levels:
      - { after: 1s, notify: [supervisor] }
      - { after: 2s, notify: [duty-manager] }
    # Reminders a late worker finds all due collapse into the latest (by design): 3 s leaves a rescuer spawned on a
    # slow machine the time to send each one, so the ladder below is always 1, 2, 3, 4.
    reminders: { every: 3s, max: 2, notify: [supervisor, duty-manager] }
  major:
    levels:
      - { after: 500ms, notify: [supervisor] }
    reminders: { every: 400ms, max: 50, notify: [supervisor] }
`;
const policy = parseEscalationPolicy(POLICY_YAML);
const WORKER = path.join(projectRoot(), 'test/support/escalation/escalation-worker.ts');
const REGISTER = path.join(projectRoot(), 'test/support/swc-register.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(50);
  }
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** An escalation worker in its own process (TypeScript run through swc, no build needed). */
async function spawnWorker(env: Record<string, string>, fault?: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', REGISTER, WORKER], {
    env: {
      ...process.env,
      ...env,
      ESCALATION_POLICY: POLICY_YAML,
      LOCK_MS: '1000',
      STALLED_MS: '500',
      ...(fault && { FAULT: fault }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  await until(
    'worker ready',
    async () => out.includes('ready') || child.exitCode !== null || child.signalCode !== null,
    Boolean,
    30_000,
  );
  if (!out.includes('ready')) throw new Error(`worker did not start:\n${out}`);
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('escalation on real Redis and PostgreSQL', () => {
  let pg: PlainTestDatabase;
  let producer: EscalationStack;
  const prefix = `ioc-int-escalation-${process.pid}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = await createPlainTestDatabase();
    const db = await openDatabase({ url: pg.url, poolSize: 2, timescaledb: 'auto', migrate: true }, testLogger);
    await createTestIncidentTable(db.pool);
    await db.close();
    env = { DATABASE_URL: pg.url, REDIS_URL: REDIS_URL, REDIS_PREFIX: prefix };
    // The scheduling side (what the incident lifecycle does), in this process; workers run where each test says.
    producer = await startEscalationStack({
      databaseUrl: pg.url,
      redisUrl: REDIS_URL,
      prefix,
      policy,
      logger: testLogger,
    });
  });

  afterAll(async () => {
    await producer?.close();
    await deleteRedisPrefix(prefix);
    await pg?.drop();
  });

  async function streamFor(incidentId: string): Promise<IncidentNotification[]> {
    return (await producer.notifier.readAll()).map((e) => e.notification).filter((n) => n.incidentId === incidentId);
  }

  /** Every level of the ladder claimed once, delivered once, and on the stream exactly once under its row's id. */
  async function expectExactlyOnce(incidentId: string, levels: number): Promise<void> {
    const rows = await producer.ledger.listForIncident(incidentId);
    expect(rows.map((r) => r.level)).toEqual(Array.from({ length: levels }, (_, i) => i + 1));
    expect(rows.every((r) => r.deliveredAt !== undefined)).toBe(true);
    const streamed = await streamFor(incidentId);
    expect(streamed.map((n) => n.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(streamed.map((n) => [n.level, n.kind, n.recipients.join('+')])).toEqual([
      [1, 'escalation', 'supervisor'],
      [2, 'escalation', 'duty-manager'],
      [3, 'reminder', 'supervisor+duty-manager'],
      [4, 'reminder', 'supervisor+duty-manager'],
    ]);
  }

  it.each(ESCALATION_FAULT_POINTS.map((p, i) => [p, (i % 2) + 1] as [EscalationFaultPoint, number]))(
    'a worker killed (SIGKILL) %s of level %i: the next worker retries the stalled job; every level is sent exactly once',
    async (point, level) => {
      const incidentId = await producer.incidents.open('critical');
      await producer.service.schedule(incidentId);
      // Scheduling again (a second lifecycle event, another process) adds no second timer.
      await producer.service.schedule(incidentId);
      expect(await producer.runner.getJob(escalationJobId(incidentId, 1))).toBeDefined();

      const doomed = await spawnWorker(env, `${point}:${level}`);
      const death = await doomed.exited;
      expect(death.signal).toBe('SIGKILL');
      expect(doomed.output()).toContain(`fault ${point} ${incidentId} ${level}`);

      // What the dead worker left behind for that level.
      const left = await producer.ledger.get(incidentId, level);
      const streamedBefore = (await streamFor(incidentId)).filter((n) => n.level === level);
      if (point === 'before-claim') expect(left).toBeUndefined();
      else expect(left).toBeDefined();
      expect(left?.deliveredAt).toEqual(point === 'after-mark' ? expect.any(Number) : undefined);
      expect(streamedBefore).toHaveLength(point === 'after-deliver' || point === 'after-mark' ? 1 : 0);

      const rescuer = await spawnWorker(env);
      try {
        await until(
          'the whole ladder',
          () => producer.ledger.listForIncident(incidentId),
          (rows) => rows.length === 4 && rows.every((r) => r.deliveredAt !== undefined),
        );
        await sleep(1500); // a duplicate would show up now (the last reminder plans nothing after it)
        await expectExactlyOnce(incidentId, 4);
      } finally {
        await rescuer.stop();
      }
    },
  );

  describe('with a worker in this process', () => {
    let worker: EscalationStack;
    beforeAll(async () => {
      worker = await startEscalationStack({
        databaseUrl: pg.url,
        redisUrl: REDIS_URL,
        prefix,
        policy,
        logger: testLogger,
        worker: { concurrency: 4, lockDurationMs: 1000, stalledIntervalMs: 500 },
      });
    });
    afterAll(() => worker?.close());

    it('sends nothing for an incident acknowledged before its first level is due (timer fired or cancelled)', async () => {
      const fired = await producer.incidents.open('critical');
      const cancelled = await producer.incidents.open('critical');
      for (const id of [fired, cancelled]) await producer.service.schedule(id);
      await sleep(300);
      await producer.incidents.acknowledge(fired);
      await producer.incidents.acknowledge(cancelled);
      expect(await producer.service.cancel(cancelled)).toBe(true);
      expect(await producer.runner.getJob(escalationJobId(cancelled, 1))).toBeUndefined();

      // The other timer fires at 1 s, finds the incident acknowledged and completes without a notification.
      const job = await until(
        'the timer to fire',
        () => producer.runner.getJob(escalationJobId(fired, 1)),
        (j) => j?.finishedOn !== undefined,
        10_000,
      );
      expect(job?.returnvalue).toEqual({ outcome: 'obsolete', level: 1, reason: 'not-open' });
      await sleep(1200);
      expect(await producer.ledger.listForIncident(fired)).toEqual([]);
      expect(await producer.ledger.listForIncident(cancelled)).toEqual([]);
      expect(await streamFor(fired)).toEqual([]);
      expect(await streamFor(cancelled)).toEqual([]);
    });

    it('repeats reminders until the incident is acknowledged, then stops', async () => {
      const id = await producer.incidents.open('major');
      await producer.service.schedule(id);
      const rows = await until(
        'three reminders',
        () => producer.ledger.listForIncident(id),
        (r) => r.length >= 4,
        15_000,
      );
      expect(rows.slice(0, 4).map((r) => r.kind)).toEqual(['escalation', 'reminder', 'reminder', 'reminder']);
      // Reminders are spaced by the policy (400 ms), counted from the level before them, not bunched.
      const gaps = rows.slice(1, 4).map((r, i) => r.createdAt - rows[i].createdAt);
      for (const g of gaps) expect(g).toBeGreaterThan(250);

      await producer.incidents.acknowledge(id);
      const atAck = (await producer.ledger.listForIncident(id)).length;
      await sleep(2000); // five reminder periods
      const after = await producer.ledger.listForIncident(id);
      // A reminder already past its state check when the ack landed may still go out; nothing after it.
      expect(after.length).toBeLessThanOrEqual(atAck + 1);
      await sleep(1000);
      expect(await producer.ledger.listForIncident(id)).toHaveLength(after.length);
      expect((await streamFor(id)).map((n) => n.level)).toEqual(after.map((r) => r.level));
    });
  });
});
