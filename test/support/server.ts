import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './mosquitto';
import { projectRoot } from './project-root';
import { atNiceness, killWithParent } from './child';

export interface ServerHandle {
  readonly port: number;
  readonly baseUrl: string;
  readonly pid: number;
  readonly logs: () => string;
  /** GET /health with the metrics token: the whole report (anonymous callers get only the status). */
  health<T = Record<string, unknown>>(): Promise<{ status: number; body: T }>;
  /** GET /metrics with the metrics token: Prometheus text. */
  metrics(): Promise<string>;
  /** SIGTERM and wait for a clean exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
}

const MAIN = path.join(projectRoot(), 'dist/apps/ioc/src/main.js');
/**
 * The V8 flags `npm start` and the Dockerfile run the server with: a 64 MiB young generation, so messages held between
 * their arrival and their commit die young instead of being copied and promoted at every scavenge.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=64'];

/** The METRICS_TOKEN every test server gets unless the test sets its own: /metrics and /health's detail need it. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/**
 * What every test server runs with unless `env` says otherwise: the demo users (the tests sign in as them; the server's
 * own default has none) and a metrics token.
 */
export const TEST_SERVER_ENV: Readonly<Record<string, string>> = {
  AUTH_DEMO_USERS: 'true',
  METRICS_TOKEN: TEST_METRICS_TOKEN,
};

/**
 * Runs the built server (`npm run build` first) as its own process, at niceness `nice` (0: as is), and waits until
 * /health answers 200.
 */
export async function startServer(
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
  nodeArgs: string[] = [],
  nice = 0,
): Promise<ServerHandle> {
  const port = await freePort();
  const [file, ...argv] = atNiceness([process.execPath, ...SERVER_NODE_ARGS, ...nodeArgs, MAIN], nice);
  const child: ChildProcess = spawn(file, argv, {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      ...TEST_SERVER_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-200_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  killWithParent(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy after ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const metricsToken = env.METRICS_TOKEN ?? TEST_METRICS_TOKEN;
  const withToken = { headers: { authorization: `Bearer ${metricsToken}` } };
  return {
    port,
    baseUrl,
    pid: child.pid as number,
    logs: () => out,
    health: async <T>() => {
      const res = await fetch(`${baseUrl}/health`, withToken);
      return { status: res.status, body: (await res.json()) as T };
    },
    metrics: async () => {
      const res = await fetch(`${baseUrl}/metrics`, withToken);
      if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${await res.text()}`);
      return res.text();
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
