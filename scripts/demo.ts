import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import * as path from 'node:path';
import {
  brokerOwner,
  findDynsecPlugin,
  findMosquittoBinary,
  prepareBrokerDir,
  randomSecret,
  renderBrokerConfig,
} from '@ioc/broker-setup';

/**
 * `npm start`: the demo on this machine. Starts its own Mosquitto (security on, as shipped) on 127.0.0.1:1884 (MQTT)
 * and 127.0.0.1:8884 (MQTT over TLS), the IOC against it with demo users on the loopback address, and the simulator;
 * prints their output line by line, prefixed; stops them all (the broker last) on Ctrl-C, SIGTERM or when any of them
 * ends. Everything the broker keeps is under IOC_DATA_DIR/mosquitto: mosquitto.conf (rewritten at each start from
 * docker/mosquitto/mosquitto.conf), data/ (persistence and dynamic-security.json), certs/ (a development CA and server
 * certificate) and secrets.json (0600: the IOC's broker passwords and the seed devices' secret, made at first start).
 */

const DEMO_MQTT_PORT = 1884;
const DEMO_MQTTS_PORT = 8884;
const BIND = '127.0.0.1';
/** Compiled to dist/scripts/, two levels below the repository root. */
const ROOT = path.resolve(__dirname, '..', '..');
const IOC_STOP_MS = 45_000;
const BROKER_STOP_MS = 10_000;

interface DemoSecrets {
  readonly mqttAdminPassword: string;
  readonly mqttPassword: string;
  readonly deviceSeedSecret: string;
}

const COLOURS = { demo: '1', broker: '35', ioc: '34', devices: '32' } as const;
type Name = keyof typeof COLOURS;
const colour =
  process.env.FORCE_COLOR !== undefined
    ? process.env.FORCE_COLOR !== '0'
    : !!process.stdout.isTTY && !process.env.NO_COLOR;
const prefix = (name: Name) => (colour ? `\x1b[${COLOURS[name]}m[${name}]\x1b[0m ` : `[${name}] `);
const say = (line: string) => process.stdout.write(`${prefix('demo')}${line}\n`);

/** Fails with one clear sentence (no stack): what is missing and how to get it. */
class DemoError extends Error {}

/** Pipes a child's output to ours line by line, each line under its name. */
function relay(name: Name, stream: NodeJS.ReadableStream | null, to: NodeJS.WritableStream): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) to.write(`${prefix(name)}${line}\n`);
  });
  stream?.on('end', () => rest && to.write(`${prefix(name)}${rest}\n`));
}

function start(name: Name, file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}) {
  const child = spawn(file, args, {
    cwd: ROOT,
    env: opts.env,
    detached: opts.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  relay(name, child.stdout, process.stdout);
  relay(name, child.stderr, process.stderr);
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));

/** SIGTERM, then SIGKILL after `graceMs`. */
async function stop(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Whether the listener answers: a TCP connection, or a TLS handshake on the TLS port (a bare connection there gets logged). */
function listening(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls
      ? tlsConnect({ port, host: BIND, rejectUnauthorized: false }, () => {
          s.end();
          resolve(true);
        })
      : connect(port, BIND, () => {
          s.end();
          resolve(true);
        });
    s.on('error', () => resolve(false));
  });
}

/** The passwords of the first start; none may go missing while the broker's state file (which holds their hashes) stays. */
function loadSecrets(file: string, dynsecExists: boolean): DemoSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  if (dynsecExists)
    throw new DemoError(
      `${file} is missing but the broker's identities (data/dynamic-security.json) are still there: delete ${path.dirname(file)} to start the demo broker afresh`,
    );
  const secrets: DemoSecrets = {
    mqttAdminPassword: randomSecret(),
    mqttPassword: randomSecret(),
    deviceSeedSecret: randomSecret(),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}

/** A broker of an earlier demo that was killed without its launcher (its pid file is left): stop it first. */
async function stopStaleBroker(pidFile: string, confPath: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  // Gone, or no /proc to tell what it is (not Linux), or another program: left alone.
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!cmdline.includes(confPath)) return;
  say(`stopping the demo broker left running by an earlier start (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + BROKER_STOP_MS;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * What `npm start` plays when IOC_SCENARIO is unset: the October king tide from 12:15, ×20. The Maspero's median
 * passes 160 cm at about 12:20 and the king-tide watch opens ten minutes later (about a minute after start); the pump
 * trips at 13:00, the centre floods from about 13:30; the scenario ends at 20:00 (about 23 minutes).
 */
export const DEFAULT_SCENARIO = 'king-tide-rain-october';
export const DEFAULT_START = '2026-10-28T12:15:00+07:00';
export const DEFAULT_SPEED = 20;

function scenarioStartMs(name: string): number {
  const file = path.join(ROOT, 'seeds', 'scenarios', `${name}.json`);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file))
    throw new DemoError(`There is no scenario "${name}" in seeds/scenarios: \`npm run devices -- --list\` lists them.`);
  return Date.parse((JSON.parse(readFileSync(file, 'utf8')) as { start: string }).start);
}

/**
 * The IOC's scenario clock for the demo (IOC_CLOCK_START, IOC_CLOCK_SPEED, IOC_CLOCK_ANCHOR): the scenario on its own
 * dates, at IOC_SPEED. A scenario the user names starts at its start; the default one at DEFAULT_START. The anchor
 * (now) is shared with the simulator, which follows the same clock.
 */
export function demoClock(
  set: { IOC_SCENARIO?: string; IOC_SPEED?: string },
  startOf: (name: string) => number,
  nowMs: number,
): { scenario: string; env: Record<string, string> } {
  const scenario = set.IOC_SCENARIO || DEFAULT_SCENARIO;
  const speed = set.IOC_SPEED || (set.IOC_SCENARIO ? '1' : String(DEFAULT_SPEED));
  if (!(Number(speed) > 0 && Number(speed) <= 3600))
    throw new DemoError(`IOC_SPEED must be a number above 0 and at most 3600, not "${speed}".`);
  const startMs = set.IOC_SCENARIO ? startOf(scenario) : Date.parse(DEFAULT_START);
  return {
    scenario,
    env: {
      IOC_CLOCK_START: new Date(startMs).toISOString(),
      IOC_CLOCK_SPEED: speed,
      IOC_CLOCK_ANCHOR: new Date(nowMs).toISOString(),
    },
  };
}

/** Values the user set win over the demo's; an empty value counts as unset (as the server's config reads it). */
function withDefaults(defaults: Record<string, string>): NodeJS.ProcessEnv {
  const set = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...defaults, ...set };
}

async function main(): Promise<void> {
  const mosquitto = findMosquittoBinary(process.env.PATH);
  if (!mosquitto)
    throw new DemoError(
      'Mosquitto is not installed: the demo runs its own broker. Install the Debian package `mosquitto` (apt-get install mosquitto; macOS: brew install mosquitto).',
    );
  const pluginPath = findDynsecPlugin();
  if (!pluginPath)
    throw new DemoError(
      "Mosquitto's Dynamic Security plugin (mosquitto_dynamic_security.so) was not found: it comes with the Debian package `mosquitto` (2.0 or later).",
    );

  const dataDir = path.resolve(process.env.IOC_DATA_DIR || './data');
  const brokerDir = path.join(dataDir, 'mosquitto');
  mkdirSync(brokerDir, { recursive: true });
  const shareGroup = process.env.INGEST_SHARE_GROUP || 'ioc-ingest';
  const secrets = loadSecrets(
    path.join(brokerDir, 'secrets.json'),
    existsSync(path.join(brokerDir, 'data', 'dynamic-security.json')),
  );
  const admin = { username: 'ioc-admin', password: secrets.mqttAdminPassword };
  const ingest = { username: 'ioc-ingest', password: secrets.mqttPassword };
  const layout = prepareBrokerDir({
    dir: brokerDir,
    admin,
    ingest: { ...ingest, shareGroup },
    // Started as root, Mosquitto drops to its own user, which must still write its state and read its key.
    owner: brokerOwner(),
  });
  if (layout.dynsecCreated) say(`created the demo broker's identities and certificates in ${brokerDir}`);
  const confPath = path.join(brokerDir, 'mosquitto.conf');
  writeFileSync(
    confPath,
    renderBrokerConfig({
      template: readFileSync(path.join(ROOT, 'docker/mosquitto/mosquitto.conf'), 'utf8'),
      port: DEMO_MQTT_PORT,
      tlsPort: DEMO_MQTTS_PORT,
      dataDir: layout.dataDir,
      certsDir: layout.certsDir,
      pluginPath,
      bind: BIND,
    }),
  );
  const pidFile = path.join(brokerDir, 'mosquitto.pid');
  await stopStaleBroker(pidFile, confPath);

  const running: { broker?: ChildProcess; ioc?: ChildProcess; devices?: ChildProcess } = {};
  let stopping: Promise<void> | undefined;
  let exitCode = 0;
  const shutdown = (code: number, why: string): Promise<void> => {
    if (stopping) return stopping;
    exitCode = code;
    say(`${why}; stopping`);
    stopping = (async () => {
      // The IOC drains its commits and closes its sessions while the broker is still up; the broker goes last.
      await Promise.all([stop(running.devices, IOC_STOP_MS), stop(running.ioc, IOC_STOP_MS)]);
      await stop(running.broker, BROKER_STOP_MS);
      rmSync(pidFile, { force: true });
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stopping) {
        // Asked twice: no more waiting for the IOC.
        running.ioc?.kill('SIGKILL');
        running.devices?.kill('SIGKILL');
        return;
      }
      void shutdown(0, `${signal} received`).then(() => process.exit(exitCode));
    });

  // Its own process group: a Ctrl-C in the terminal reaches the IOC and the simulator, and the broker is stopped after
  // them.
  say(`starting Mosquitto on ${BIND}:${DEMO_MQTT_PORT} (mqtt) and ${BIND}:${DEMO_MQTTS_PORT} (mqtts)`);
  const broker = start('broker', mosquitto, ['-c', confPath], { detached: true });
  running.broker = broker;
  writeFileSync(pidFile, String(broker.pid));
  const brokerExit = exited(broker);
  for (;;) {
    if (broker.exitCode !== null || broker.signalCode !== null) {
      rmSync(pidFile, { force: true });
      throw new DemoError(
        `Mosquitto did not start (its messages are above): is ${BIND}:${DEMO_MQTT_PORT} or ${DEMO_MQTTS_PORT} in use, by another demo perhaps?`,
      );
    }
    if ((await listening(DEMO_MQTT_PORT, false)) && (await listening(DEMO_MQTTS_PORT, true))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  void brokerExit.then(() => shutdown(1, 'the broker exited').then(() => process.exit(exitCode)));

  const { scenario, env: clockEnv } = demoClock(process.env, scenarioStartMs, Date.now());
  const env = withDefaults({
    ...clockEnv,
    MQTT_URL: `mqtt://${BIND}:${DEMO_MQTT_PORT}`,
    MQTT_USERNAME: ingest.username,
    MQTT_PASSWORD: ingest.password,
    MQTT_ADMIN_USERNAME: admin.username,
    MQTT_ADMIN_PASSWORD: admin.password,
    MQTT_CA_FILE: layout.certs.caFile,
    DEVICE_SEED_SECRET: secrets.deviceSeedSecret,
    AUTH_DEMO_USERS: 'true',
    HTTP_HOST: BIND,
  });
  say(
    `scenario ${scenario} on the IOC's clock: ${env.IOC_CLOCK_START} at ×${env.IOC_CLOCK_SPEED} (sign in at http://${BIND}:${env.HTTP_PORT || 3000}/)`,
  );
  const httpHost = ['0.0.0.0', '::'].includes(env.HTTP_HOST ?? '') ? BIND : env.HTTP_HOST!;
  const health = `http://${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:${env.HTTP_PORT || 3000}/health`;
  const ioc = start('ioc', process.execPath, ['--max-semi-space-size=64', 'dist/apps/ioc/src/main.js'], { env });
  running.ioc = ioc;
  const devices = start(
    'devices',
    process.execPath,
    ['dist/devices/src/cli.js', '--scenario', scenario, '--follow-clock', '--wait-for', health, '--url', env.MQTT_URL!],
    {
      env: {
        ...process.env,
        DEVICE_SEED_SECRET: env.DEVICE_SEED_SECRET,
        IOC_CLOCK_START: env.IOC_CLOCK_START,
        IOC_CLOCK_SPEED: env.IOC_CLOCK_SPEED,
        IOC_CLOCK_ANCHOR: env.IOC_CLOCK_ANCHOR,
      },
    },
  );
  running.devices = devices;
  for (const [name, child] of [
    ['ioc', ioc],
    ['devices', devices],
  ] as const)
    child.once('exit', (code, signal) => {
      void shutdown(code ?? 1, `${name} exited (${signal ?? `code ${code}`})`).then(() => process.exit(exitCode));
    });
}

if (require.main === module)
  main().catch((err) => {
    process.stderr.write(`${prefix('demo')}${err instanceof DemoError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
