/**
 * An escalation worker in its own process, for the crash tests (libs/incidents/src/escalation/escalation.int-spec.ts):
 * the test kills it with SIGKILL, or it kills itself at a fault point, then starts another one.
 *
 * Environment: DATABASE_URL, REDIS_URL, REDIS_PREFIX, ESCALATION_POLICY (the policy's YAML text), LOCK_MS, STALLED_MS,
 * FAULT ("<point>:<level>", e.g. "after-claim:1": SIGKILL itself there, once). Prints "ready" when the worker runs.
 */
import pino from 'pino';
import { parseEscalationPolicy, type EscalationFaultPoint } from '@ioc/incidents';
import { startEscalationStack } from './escalation-stack';

async function main(): Promise<void> {
  const env = process.env;
  const [faultPoint, faultLevel] = (env.FAULT ?? '').split(':');
  const logger = pino({ level: env.TEST_LOG_LEVEL ?? 'silent' });
  const stack = await startEscalationStack({
    databaseUrl: env.DATABASE_URL!,
    redisUrl: env.REDIS_URL!,
    prefix: env.REDIS_PREFIX!,
    policy: parseEscalationPolicy(env.ESCALATION_POLICY!, 'ESCALATION_POLICY'),
    logger,
    worker: {
      concurrency: 4,
      lockDurationMs: Number(env.LOCK_MS ?? 1000),
      stalledIntervalMs: Number(env.STALLED_MS ?? 500),
      maxStalledCount: 2,
    },
    faults: (point: EscalationFaultPoint, at) => {
      if (point === faultPoint && String(at.level) === faultLevel) {
        process.stdout.write(`fault ${point} ${at.incidentId} ${at.level}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    },
  });
  process.on('SIGTERM', () => {
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write('ready\n');
}

main().catch((err) => {
  process.stderr.write(`escalation worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
