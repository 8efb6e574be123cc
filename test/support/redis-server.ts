import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { freePort } from './mosquitto';
import { projectRoot } from './project-root';
import { killWithParent } from './child';

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A redis-server of its own on a spare port, configured by the project's docker/redis/redis.conf (bind, port and
 * data dir overridden; extraArgs after them, e.g. ['--hz', '10']). Needs redis-server on PATH.
 */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'ioc-redis-'));
  const conf = path.join(projectRoot(), 'docker/redis/redis.conf');
  const child: ChildProcess = spawn(
    'redis-server',
    [conf, '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  killWithParent(child);
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${out}`);
    const probe = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens
    const ok = await probe.connect().then(
      () => probe.ping(),
      () => undefined,
    );
    probe.disconnect();
    if (ok === 'PONG') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server not answering on ${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
