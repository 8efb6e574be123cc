import { existsSync } from 'node:fs';
import * as path from 'node:path';

export interface BrokerConfigOptions {
  /** The shipped configuration, docker/mosquitto/mosquitto.conf. */
  readonly template: string;
  /** The plain MQTT listener (the template's 1883). */
  readonly port: number;
  /** The TLS listener (the template's 8883); omitted: the broker has no TLS listener. */
  readonly tlsPort?: number;
  /** Persistence and the Dynamic Security state file (dynamic-security.json). */
  readonly dataDir: string;
  /** ca.crt, server.crt and server.key (ensureDevCertificates). */
  readonly certsDir: string;
  /** The Dynamic Security plugin on this machine (findDynsecPlugin). */
  readonly pluginPath: string;
  /** Address both listeners bind to, e.g. 127.0.0.1. */
  readonly bind: string;
}

export const DYNSEC_FILE = 'dynamic-security.json';
export const SHIPPED_PORT = 1883;
export const SHIPPED_TLS_PORT = 8883;

/** Where distributions install the plugin: Debian and Ubuntu (multiarch), the eclipse-mosquitto image, Homebrew. */
export const DYNSEC_PLUGIN_CANDIDATES: readonly string[] = [
  ...['x86_64', 'aarch64', 'arm', 'i386'].map((a) =>
    path.join('/usr/lib', `${a}-linux-gnu${a === 'arm' ? 'eabihf' : ''}`, 'mosquitto_dynamic_security.so'),
  ),
  '/usr/lib/mosquitto_dynamic_security.so',
  '/usr/lib64/mosquitto_dynamic_security.so',
  '/usr/local/lib/mosquitto_dynamic_security.so',
  '/opt/homebrew/lib/mosquitto_dynamic_security.so',
  '/opt/homebrew/opt/mosquitto/lib/mosquitto_dynamic_security.so',
  '/usr/local/opt/mosquitto/lib/mosquitto_dynamic_security.so',
];

/** The first candidate that exists; undefined when the plugin is not installed. */
export function findDynsecPlugin(
  candidates: readonly string[] = DYNSEC_PLUGIN_CANDIDATES,
  exists: (file: string) => boolean = existsSync,
): string | undefined {
  return candidates.find((c) => exists(c));
}

/**
 * The mosquitto binary: on PATH, or where Debian (/usr/sbin, often not on a user's PATH) and Homebrew put it.
 * Undefined when it is not installed.
 */
export function findMosquittoBinary(
  pathEnv: string | undefined,
  exists: (file: string) => boolean = existsSync,
): string | undefined {
  const dirs = [
    ...(pathEnv ?? '').split(path.delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/local/sbin',
    '/opt/homebrew/sbin',
  ];
  return dirs.map((d) => path.join(d, 'mosquitto')).find((f) => exists(f));
}

/** The value of the first `key value` line of a Mosquitto configuration, or undefined. */
export function brokerConfigValue(conf: string, key: string): string | undefined {
  const line = conf.split('\n').find((l) => isSetting(l, key));
  return line?.trim().slice(key.length).trim();
}

/**
 * The shipped configuration made fit for a broker on this machine: listeners on `port` (and `tlsPort`) bound to
 * `bind`, persistence and the Dynamic Security state in `dataDir`, TLS files from `certsDir`, the plugin at
 * `pluginPath`. Every other line (limits, queues, security defaults) stays as shipped, so the tests, the demo and
 * production run one configuration. A line the template lacks is an error, not a silent default.
 */
export function renderBrokerConfig(o: BrokerConfigOptions): string {
  for (const [name, value] of Object.entries({ dataDir: o.dataDir, certsDir: o.certsDir, pluginPath: o.pluginPath }))
    if (/\s/.test(value)) throw new Error(`${name} "${value}": Mosquitto's configuration takes no path with spaces`);
  let lines = o.template.split('\n');
  const set = (key: string, value: string, which?: string) => {
    const at = lines.flatMap((l, i) => (isSetting(l, key) && (!which || l.trim() === which) ? [i] : []));
    if (at.length !== 1)
      throw new Error(`the broker template has ${at.length} "${which ?? key}" lines where one is expected`);
    lines[at[0]] = `${key} ${value}`;
  };
  set('plugin', o.pluginPath);
  set('plugin_opt_config_file', path.join(o.dataDir, DYNSEC_FILE));
  set('persistence_location', `${o.dataDir.replace(/\/+$/, '')}/`);
  set('listener', `${o.port} ${o.bind}`, `listener ${SHIPPED_PORT}`);
  if (o.tlsPort === undefined) {
    // The TLS listener's block: its `listener` line up to the next blank line.
    const start = lines.findIndex((l) => l.trim() === `listener ${SHIPPED_TLS_PORT}`);
    if (start < 0) throw new Error(`the broker template has no "listener ${SHIPPED_TLS_PORT}" line`);
    let end = start + 1;
    while (end < lines.length && lines[end].trim() !== '') end++;
    lines = [...lines.slice(0, start), ...lines.slice(end)];
  } else {
    set('listener', `${o.tlsPort} ${o.bind}`, `listener ${SHIPPED_TLS_PORT}`);
    set('cafile', path.join(o.certsDir, 'ca.crt'));
    set('certfile', path.join(o.certsDir, 'server.crt'));
    set('keyfile', path.join(o.certsDir, 'server.key'));
  }
  return lines.join('\n');
}

function isSetting(line: string, key: string): boolean {
  return line.trim().split(/\s+/)[0] === key;
}
