import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { projectRoot } from './project-root';
import { killWithParent } from './child';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestBroker {
  readonly url: string;
  readonly port: number;
  /** The broker process's pid (it changes with a restart). */
  readonly pid: number;
  /** Stops the broker cleanly (it saves its sessions and queued messages) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a Mosquitto on a spare port with the project's config (docker/mosquitto/mosquitto.conf). */
export async function startMosquitto(): Promise<TestBroker> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ioc-mosquitto-'));
  chmodSync(dir, 0o777);
  const template = readFileSync(path.join(projectRoot(), 'docker/mosquitto/mosquitto.conf'), 'utf8');
  const conf = template
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`);
  const confPath = path.join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf);
  let child = await launch(confPath, port);
  const halt = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? 0;
    },
    restart: async () => {
      await halt();
      child = await launch(confPath, port);
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(confPath: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  killWithParent(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await waitForPort(port, 5000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`mosquitto did not start: ${stderr}`, { cause: e });
  }
  return child;
}
