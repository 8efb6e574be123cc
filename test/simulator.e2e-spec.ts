import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot, type ServerHandle, startServer, startTestStack, type TestStack } from '@ioc/testing';

/** How many times faster than real time the simulated day runs. */
const SPEED = 7200;

/** Runs the simulator CLI to the end of its scenario; resolves with its final stats line. */
function runSimulator(args: string[]): Promise<{ sent: number; acked: number; errors: number }> {
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist/devices/src/cli.js'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-20_000)));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const done = err.split('\n').find((l) => l.startsWith('[devices] done'));
      if (code !== 0 || !done) return reject(new Error(`simulator exited with ${code}:\n${err}`));
      resolve(JSON.parse(done.slice(done.indexOf('{'))));
    }),
  );
}

/** The whole chain as deployed: simulated city → Mosquitto → IOC → PostgreSQL, per-device and gateway connections. */
describe('simulator to IOC', () => {
  let stack: TestStack;
  let server: ServerHandle;

  beforeAll(async () => {
    stack = await startTestStack('sim');
    server = await startServer({
      ...stack.env,
      INGEST_CONNECTIONS: '32',
      // The day runs SPEED times faster than real time, and so does every device: so does its rate limit.
      INGEST_DEVICE_RATE_PER_S: String(10 * SPEED),
    });
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await stack?.close();
  });

  it('stores everything a normal day sends, from every device type, and refuses nothing', async () => {
    const stats = await runSimulator([
      '--scenario',
      'normal-day',
      '--speed',
      String(SPEED),
      // 150 of the city's devices, registered at the IOC's first start. With the plan's defaults (no --direct-share or
      // --gateway-size), the simulator's gateways are the city's: one per ward (gw-pN-01), each carrying these devices
      // as registered, so no batch entry is refused (GATEWAY_UNKNOWN, GATEWAY_DEVICE_NOT_ASSIGNED).
      '--devices',
      '150',
      '--seed',
      '7',
      '--url',
      stack.broker.url,
      // Device security is not this test's subject: the simulator connects as the tests' trusted publisher.
      '--username',
      stack.broker.publisher.username,
      '--password',
      stack.broker.publisher.password,
      '--wait-for',
      `${server.baseUrl}/health`,
    ]);
    expect(stats.errors).toBe(0);
    expect(stats.acked).toBe(stats.sent);
    expect(stats.acked).toBeGreaterThan(1000);

    const count = (sql: string) => stack.count(sql);
    const deadline = Date.now() + 60_000;
    while ((await count('SELECT count(*) AS n FROM raw_message')) < stats.acked && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await count('SELECT count(*) AS n FROM raw_message')).toBe(stats.acked);
    expect(await count('SELECT count(*) AS n FROM quarantine')).toBe(0);
    // Every device type reported, through its own connection or a ward gateway.
    // (All of them are the city's, registered at the IOC's first start: a device nobody registered would be refused.)
    const types = (
      await stack.pool.query<{ type: string }>(
        'SELECT DISTINCT d.type FROM raw_message r JOIN device d ON d.id = r.device_id ORDER BY d.type',
      )
    ).rows.map((r) => r.type);
    expect(types).toEqual([
      'bin',
      'camera',
      'pump',
      'rain-gauge',
      'sluice-gate',
      'tide-gauge',
      'truck',
      'water-level-sensor',
    ]);
    expect(await count('SELECT count(*) AS n FROM raw_message WHERE gateway_id IS NOT NULL')).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM raw_message WHERE gateway_id IS NULL')).toBeGreaterThan(0);
  });
});
