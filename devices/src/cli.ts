import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadCity, planConnections } from '@ioc/city';
import { seedDevicePassword } from '@ioc/contracts';
import { clockSettingFrom, type ScaledClockSetting } from '@ioc/platform';
import { Simulation } from './core/simulation';
import { parseTime } from './core/time';
import { loadScenario, scenarioNames } from './scenario.loader';
import { payloadOf, StreamHash } from './stream-hash';
import { MqttFleetRunner } from './transport/mqtt-runner';
import { recordScenario } from './record';

/**
 * npm run devices -- [--scenario NAME] [--speed N] [--seed S] [--devices N] [--url mqtt://…] [--start auto|scenario|now|ISO]
 *   [--direct-share X] [--gateway-size N] [--interval S] [--wait-for URL] [--dry-run] [--list]
 *   [--username U --password P] [--ca ca.crt] [--record NAME] [--follow-clock]
 * With DEVICE_SEED_SECRET in the environment (the demo sets it), each device and gateway connects as itself.
 * --follow-clock plays the scenario on its own dates, on the IOC's scenario clock (IOC_CLOCK_START, IOC_CLOCK_SPEED and
 * IOC_CLOCK_ANCHOR in the environment, as the IOC has them): at each moment it publishes what the scenario holds for
 * the IOC's clock reading then.
 * Logs go to stderr; --dry-run writes the stream to stdout as JSON lines (no broker) and ends with its hash.
 * --record NAME generates the stream at machine speed (no broker) and stores it as a trainers' recording in the IOC's
 * database (DATABASE_URL, or the embedded one under IOC_DATA_DIR); stdout: the recording as JSON.
 */
const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`[devices] ${msg}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}\n`);
const DAY_MS = 86_400_000;

/** ts shift: `auto` keeps the IOC's timestamp limits happy (live = now; faster = whole days back so the run ends by now). */
export function tsOffsetFor(
  start: string,
  scenarioStartMs: number,
  durationS: number,
  speed: number,
  nowMs: number,
): number {
  if (start === 'scenario') return 0;
  if (start === 'now') return nowMs - scenarioStartMs;
  if (start === 'auto')
    return speed <= 1
      ? nowMs - scenarioStartMs
      : Math.floor((nowMs - (scenarioStartMs + durationS * 1000)) / DAY_MS) * DAY_MS;
  return parseTime(start) - scenarioStartMs;
}

/**
 * `--follow-clock`: the scenario second at each wall time on the IOC's scenario clock, which must run on the scenario's
 * dates (its start inside the scenario) and name its anchor, so the simulator and the IOC agree on it.
 */
export function followClock(
  clock: ScaledClockSetting | undefined,
  anchored: boolean,
  scenarioStartMs: number,
  durationS: number,
): (wallMs: number) => number {
  if (!clock || !anchored)
    throw new Error(
      '--follow-clock needs IOC_CLOCK_START and IOC_CLOCK_ANCHOR (and IOC_CLOCK_SPEED) as the IOC has them',
    );
  const offsetS = (clock.startMs - scenarioStartMs) / 1000;
  if (offsetS < 0 || offsetS >= durationS)
    throw new Error(
      `IOC_CLOCK_START ${new Date(clock.startMs).toISOString()} is outside the scenario (${new Date(scenarioStartMs).toISOString()} + ${durationS} s)`,
    );
  return (wallMs) => offsetS + ((wallMs - clock.anchorMs) / 1000) * clock.speed;
}

/**
 * Waits until `url` answers 200 (the IOC's /health): on a fresh broker the IOC's persistent sessions must exist before
 * devices publish, or the broker has nobody to queue their messages for.
 */
export async function waitFor(url: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    if (!said) log('waiting for the IOC', { url });
    said = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'normal-day' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      devices: { type: 'string' },
      url: { type: 'string', default: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883' },
      username: { type: 'string' },
      password: { type: 'string' },
      ca: { type: 'string' },
      start: { type: 'string' },
      'direct-share': { type: 'string' },
      'gateway-size': { type: 'string' },
      interval: { type: 'string' },
      'wait-for': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      record: { type: 'string' },
      list: { type: 'boolean', default: false },
      'follow-clock': { type: 'boolean', default: false },
    },
  });
  if (a.list) {
    for (const n of scenarioNames()) process.stdout.write(`${n}: ${loadScenario(n).file.description}\n`);
    return;
  }
  const scenario = loadScenario(a.scenario!);
  const clock = a['follow-clock'] ? clockSettingFrom(process.env) : undefined;
  const simSecondsAt = a['follow-clock']
    ? followClock(clock, !!process.env.IOC_CLOCK_ANCHOR, scenario.startMs, scenario.durationS)
    : undefined;
  if (clock && (a.start ?? 'scenario') !== 'scenario')
    throw new Error('--follow-clock plays on the scenario dates: no --start');
  const speed = clock ? clock.speed : Number(a.speed);
  if (!(speed > 0)) throw new Error(`--speed must be a positive number, not "${a.speed}"`);
  const seed = /^\d+$/.test(a.seed!) ? Number(a.seed) : a.seed!;
  // A dry run is for inspection and hashing, a recording for drills on the scenario's own day: scenario dates unless
  // asked otherwise.
  const tsOffsetMs = tsOffsetFor(
    a.start ?? (a['dry-run'] || a.record !== undefined || clock ? 'scenario' : 'auto'),
    scenario.startMs,
    scenario.durationS,
    speed,
    Date.now(),
  );
  const sim = new Simulation({
    city: loadCity(),
    scenario,
    seed,
    devices: a.devices ? Number(a.devices) : undefined,
    reportIntervalS: a.interval ? Number(a.interval) : undefined,
    tsOffsetMs,
  });
  log('scenario', {
    name: scenario.name,
    devices: sim.devices.length,
    durationS: scenario.durationS,
    speed,
    seed,
    tsOffsetDays: Math.round((tsOffsetMs / DAY_MS) * 100) / 100,
  });

  if (a['dry-run']) {
    const hash = new StreamHash();
    for (let t = 0; t < sim.durationS;) {
      t = Math.min(sim.durationS, t + 600);
      const batch = sim.advanceTo(t);
      hash.add(batch);
      for (const m of batch)
        process.stdout.write(
          `${JSON.stringify({ sendT: m.sendT, deviceId: m.deviceId, kind: m.kind, payload: payloadOf(m) })}\n`,
        );
    }
    log('done', { messages: hash.count, sha256: hash.digest() });
    return;
  }

  if (a.record !== undefined) {
    const name = a.record.trim();
    if (name.length < 3 || name.length > 120) throw new Error('--record needs a name of 3 to 120 characters');
    const { recording: r, stats } = await recordScenario(sim, name, tsOffsetMs);
    log('recorded', { ...stats });
    process.stdout.write(
      `${JSON.stringify({
        id: r.id,
        name: r.name,
        from: r.from.toISOString(),
        to: r.to.toISOString(),
        messages: r.messages,
        reports: r.reports,
      })}\n`,
    );
    return;
  }

  if (a['wait-for']) await waitFor(a['wait-for']);
  const topology = planConnections(
    sim.devices.map((d) => d.site),
    {
      directShare: a['direct-share'] ? Number(a['direct-share']) : undefined,
      gatewaySize: a['gateway-size'] ? Number(a['gateway-size']) : undefined,
    },
  );
  // The city's devices and gateways connect as themselves, with passwords derived from the development secret the IOC
  // registered them with (DEVICE_SEED_SECRET); without it, one --username/--password for every connection.
  const seedSecret = process.env.DEVICE_SEED_SECRET;
  const runner = new MqttFleetRunner({
    url: a.url!,
    sim,
    topology,
    speed,
    username: a.username,
    password: a.password,
    credentials: seedSecret
      ? (id: string) => ({ username: id, password: seedDevicePassword(seedSecret, id) })
      : undefined,
    ca: a.ca ? readFileSync(a.ca) : undefined,
    clientIdPrefix: `sim-${createHash('sha1').update(`${scenario.name}/${seed}`).digest('hex').slice(0, 6)}-`,
    ...(simSecondsAt && { now: Date.now, simSecondsAt }),
    log,
  });
  log('connecting', { url: a.url, direct: topology.direct.size, gateways: topology.gateways.length });
  await runner.connect();
  const progress = setInterval(() => log('progress', { ...runner.stats }), 5000);
  const stop = () => runner.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const stats = await runner.run();
  clearInterval(progress);
  await runner.close();
  log('done', { ...stats });
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`[devices] failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
