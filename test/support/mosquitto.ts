import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import {
  brokerOwner,
  chownTree,
  findDynsecPlugin,
  prepareBrokerDir,
  randomSecret,
  renderBrokerConfig,
  type BrokerCredentials,
  type DynsecRole,
} from '@ioc/broker-setup';
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

/**
 * The tests' trusted publisher: publishes anything under ioc/v1/ and reads anything under ioc/, for tests whose subject
 * is not device security. It exists only in the brokers the tests start, never in a shipped one.
 */
export const TEST_PUBLISHER = 'ioc-test-publisher';
const TEST_PUBLISHER_ROLE: DynsecRole = {
  rolename: TEST_PUBLISHER,
  textname: 'tests only: publishes as any device, reads everything under ioc/',
  acls: [
    { acltype: 'publishClientSend', topic: 'ioc/v1/#', allow: true },
    { acltype: 'subscribePattern', topic: 'ioc/#', allow: true },
    { acltype: 'publishClientReceive', topic: 'ioc/#', allow: true },
  ],
};

export interface MosquittoOptions {
  /**
   * false: the same configuration without the Dynamic Security plugin and with anonymous clients allowed, so the broker
   * authenticates nobody (credentials are accepted unread) and checks no publish, delivery or subscription. Only for
   * bench:ingest, which measures in one run what the ACL checks cost; no configuration the project ships is like it.
   */
  readonly accessControl?: boolean;
}

export interface TestBroker {
  /** False: no plugin, anonymous allowed, nothing checked (MosquittoOptions.accessControl). */
  readonly accessControl: boolean;
  /** mqtt://127.0.0.1:<port>, the plain listener. */
  readonly url: string;
  /** mqtts://localhost:<tlsPort>, the TLS listener (server certificate from the development CA in caFile). */
  readonly tlsUrl: string;
  readonly caFile: string;
  readonly port: number;
  readonly tlsPort: number;
  /** The broker process's pid (it changes with a restart). */
  readonly pid: number;
  /** The IOC's Dynamic Security admin identity. */
  readonly admin: BrokerCredentials;
  /** The IOC's ingest identity (share group ioc-ingest). */
  readonly ingest: BrokerCredentials;
  /** The tests' trusted publisher (TEST_PUBLISHER). */
  readonly publisher: BrokerCredentials;
  /** For the IOC: MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, MQTT_ADMIN_USERNAME, MQTT_ADMIN_PASSWORD. */
  readonly env: Readonly<Record<string, string>>;
  /** A client of the trusted publisher (MQTT 5 unless opts say otherwise); not for tests of device security. */
  connectTrusted(opts?: IClientOptions): Promise<MqttClient>;
  /** Stops the broker cleanly (it saves its sessions and queued messages) and starts it again on the same ports. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a Mosquitto with the project's config (docker/mosquitto/mosquitto.conf) and its security on: anonymous
 * clients refused, the Dynamic Security plugin with random passwords for the IOC's admin and ingest identities and for
 * the tests' trusted publisher, a plain listener and a TLS one on spare ports of 127.0.0.1. With
 * `accessControl: false` (bench:ingest's reference only), the same config without the plugin and with anonymous
 * clients allowed.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestBroker> {
  const accessControl = options.accessControl ?? true;
  const pluginPath = findDynsecPlugin();
  if (!pluginPath)
    throw new Error("Mosquitto's Dynamic Security plugin is not installed (Debian: apt-get install mosquitto)");
  const [port, tlsPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'ioc-mosquitto-'));
  const admin = { username: 'ioc-admin', password: randomSecret() };
  const ingest = { username: 'ioc-ingest', password: randomSecret() };
  const publisher = { username: TEST_PUBLISHER, password: randomSecret() };
  const layout = prepareBrokerDir({
    dir,
    admin,
    ingest: { ...ingest, shareGroup: 'ioc-ingest' },
    extra: [{ credentials: publisher, role: TEST_PUBLISHER_ROLE }],
  });
  const template = readFileSync(path.join(projectRoot(), 'docker/mosquitto/mosquitto.conf'), 'utf8');
  const confPath = path.join(dir, 'mosquitto.conf');
  const conf = renderBrokerConfig({
    template,
    port,
    tlsPort,
    dataDir: layout.dataDir,
    certsDir: layout.certsDir,
    pluginPath,
    bind: '127.0.0.1',
  });
  writeFileSync(confPath, accessControl ? conf : withoutAccessControl(conf));
  // Started as root, Mosquitto drops to its own user, which must still write its state file and read its key.
  const owner = brokerOwner();
  if (owner) chownTree(dir, owner);
  let child = await launch(confPath, [port, tlsPort]);
  const halt = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    accessControl,
    url,
    tlsUrl: `mqtts://localhost:${tlsPort}`,
    caFile: layout.certs.caFile,
    port,
    tlsPort,
    get pid() {
      return child.pid ?? 0;
    },
    admin,
    ingest,
    publisher,
    env: {
      MQTT_URL: url,
      MQTT_USERNAME: ingest.username,
      MQTT_PASSWORD: ingest.password,
      MQTT_ADMIN_USERNAME: admin.username,
      MQTT_ADMIN_PASSWORD: admin.password,
    },
    connectTrusted: (opts = {}) => connectAsync(url, { protocolVersion: 5, ...opts, ...publisher }),
    restart: async () => {
      await halt();
      child = await launch(confPath, [port, tlsPort]);
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A rendered configuration without the Dynamic Security plugin (its `plugin` and `plugin_opt_config_file` lines) and
 * with `allow_anonymous true`; every other line as shipped. A line missing from the template is an error.
 */
export function withoutAccessControl(conf: string): string {
  const key = (l: string) => l.trim().split(/\s+/)[0];
  const lines = conf.split('\n');
  for (const k of ['plugin', 'plugin_opt_config_file', 'allow_anonymous']) {
    const n = lines.filter((l) => key(l) === k).length;
    if (n !== 1) throw new Error(`the broker configuration has ${n} "${k}" lines where one is expected`);
  }
  return lines
    .filter((l) => key(l) !== 'plugin' && key(l) !== 'plugin_opt_config_file')
    .map((l) => (key(l) === 'allow_anonymous' ? 'allow_anonymous true' : l))
    .join('\n');
}

async function launch(confPath: string, ports: readonly number[]): Promise<ChildProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  killWithParent(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    for (const port of ports) await waitForPort(port, 5000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`mosquitto did not start: ${stderr}`, { cause: e });
  }
  return child;
}
