import pino from 'pino';
import type { DeviceMessage } from '@ioc/domain';
import { JOBS } from '@ioc/contracts';
import { deleteRedisPrefix } from '@ioc/testing';
import { DeviceMessageStream } from './event-stream';
import { JobRunner, type JobHandlers } from './job-runner';
import { createRedis } from './redis.provider';

const REDIS_URL = 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });

function msg(i: number): DeviceMessage {
  const body = { msgId: `m-${i}`, ts: '2026-11-21T03:00:00.000Z', rainMm: i, intervalS: 60 };
  return {
    deviceId: 'rg-1',
    msgId: `m-${i}`,
    kind: 'rain',
    domain: 'flood',
    ts: new Date('2026-11-21T03:00:00.000Z'),
    receivedAt: new Date('2026-11-21T03:00:01.000Z'),
    topic: 'ioc/v1/flood/rg-1/rain',
    body,
    bodyJson: JSON.stringify(body),
  };
}

describe('DeviceMessageStream on Redis', () => {
  const prefix = `ioc-int-stream-${process.pid}`;
  const redis = createRedis(REDIS_URL);
  const stream = new DeviceMessageStream(redis, prefix);

  afterAll(async () => {
    await redis.quit();
    await deleteRedisPrefix(prefix);
  });

  it('delivers each committed batch to a consumer group once, and again only if not acknowledged', async () => {
    await stream.ensureGroup('correlate', '0');
    await stream.ensureGroup('correlate', '0'); // idempotent
    await stream.publish([msg(1), msg(2)]);
    await stream.publish([msg(3)]);
    expect(await stream.publish([])).toBeNull();

    const first = await stream.read('correlate', 'c1', 10, 100);
    expect(first.map((e) => e.items.map((m) => m.msgId))).toEqual([['m-1', 'm-2'], ['m-3']]);
    expect(first[0].items[0].ts).toEqual(new Date('2026-11-21T03:00:00.000Z'));
    expect(await stream.read('correlate', 'c1', 10, 50)).toEqual([]);

    expect(await stream.ack('correlate', [first[0].id])).toBe(1);
    const pending = (await redis.xpending(stream.key, 'correlate')) as [number, ...unknown[]];
    expect(pending[0]).toBe(1); // the unacknowledged batch stays pending for recovery
  });
});

describe('JobRunner on Redis (BullMQ)', () => {
  const prefix = `ioc-int-jobs-${process.pid}`;
  afterAll(() => deleteRedisPrefix(prefix));

  it('refuses to start without a handler for every job name', async () => {
    const runner = new JobRunner({ redisUrl: REDIS_URL, prefix }, logger);
    await expect(runner.start({} as JobHandlers, [])).rejects.toThrow(JOBS.storageMaintenance);
  });

  it('runs the scheduled job repeatedly and on demand', async () => {
    const runner = new JobRunner({ redisUrl: REDIS_URL, prefix }, logger);
    let runs = 0;
    await runner.start({ [JOBS.storageMaintenance]: async () => ++runs, [JOBS.incidentHousekeeping]: async () => 0 }, [
      { name: JOBS.storageMaintenance, everyMs: 300 },
    ]);
    try {
      const deadline = Date.now() + 10_000;
      while (runs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(runs).toBeGreaterThanOrEqual(2);
      const before = runs;
      await runner.runNow(JOBS.storageMaintenance);
      while (runs === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(runs).toBeGreaterThan(before);
    } finally {
      await runner.close();
    }
  });
});
