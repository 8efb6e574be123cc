import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import {
  fleet,
  messageBody,
  projectRoot,
  type ServerHandle,
  startServer,
  startTestStack,
  type TestStack,
} from '@ioc/testing';

/**
 * Shared subscriptions route a share of the messages to every member of the group, connected or not. An instance that
 * stops for good keeps its share queued in its sessions until they are retired: retiring drains them into the database
 * and deletes them, so the remaining instances take all the traffic.
 */
describe('retiring an ingest instance', () => {
  let stack: TestStack;
  let a: ServerHandle;
  let publisher: MqttClient;
  let env: Record<string, string>;
  const devices = fleet(30, 'retire');

  beforeAll(async () => {
    stack = await startTestStack('retire');
    await stack.registerDevices(devices);
    env = { ...stack.env, INGEST_CONNECTIONS: '8', LOG_LEVEL: 'warn' };
    publisher = await stack.broker.connectTrusted({ clientId: `retire-pub-${process.pid}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await a?.stop();
    await stack?.close();
  });

  const stored = () => stack.stored();
  const t0 = Date.now() - 600_000;
  const publish = (from: number, to: number) =>
    Promise.all(
      Array.from({ length: to - from }, (_, k) => {
        const d = devices[(from + k) % devices.length];
        return publisher.publishAsync(d.topic, JSON.stringify(messageBody(d.kind, from + k, new Date(t0 + from + k))), {
          qos: 1,
        });
      }),
    );
  const waitStored = async (n: number, ms: number) => {
    const deadline = Date.now() + ms;
    while ((await stored()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };

  it('drains the retired instance’s sessions and stops routing to it', async () => {
    a = await startServer({ ...env, INGEST_INSTANCE_ID: 'keep' });
    const b = await startServer({ ...env, INGEST_INSTANCE_ID: 'gone' });
    expect(await b.stop()).toBe(0); // 'gone' stops for good; its sessions stay in the group

    await publish(0, 2000);
    // Let 'keep' finish its share: the count stands still for a second.
    let beforeRetire = -1;
    for (let n = await stored(); n !== beforeRetire; n = await stored()) {
      beforeRetire = n;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(beforeRetire).toBeLessThan(2000); // part of the traffic waits in the sessions of 'gone'

    const retire = spawn(
      process.execPath,
      [path.join(projectRoot(), 'dist/apps/ioc/src/retire-ingest.js'), 'gone', '2'],
      {
        env: { ...process.env, ...env, INGEST_CONNECTIONS: '8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    retire.stdout.on('data', (d) => (out += d));
    retire.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => retire.on('exit', r));
    expect({ code, out: code === 0 ? '' : out }).toEqual({ code: 0, out: '' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ retired: 'gone', drained: 2000 - beforeRetire });
    await waitStored(2000, 30_000);
    expect(await stored()).toBe(2000);

    // From now on 'keep' takes everything.
    await publish(2000, 3000);
    await waitStored(3000, 15_000);
    expect(await stored()).toBe(3000);
    const distinct = await stack.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT DISTINCT device_id, msg_id FROM raw_message) d',
    );
    expect(Number(distinct.rows[0].n)).toBe(3000);
  });
});
