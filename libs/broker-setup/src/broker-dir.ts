import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DYNSEC_FILE } from './broker-config';
import { ensureDevCertificates, type DevCertificates } from './dev-certificates';
import { writeInitialDynsec, type InitialDynsecOptions } from './dynsec-state';

export interface BrokerDirOptions extends InitialDynsecOptions {
  /** Gets data/ (persistence, dynamic-security.json) and certs/ (the development CA and server certificate). */
  readonly dir: string;
  /** Names and addresses the development server certificate is valid for (ensureDevCertificates). */
  readonly certHosts?: readonly string[];
  /** Give data/ and certs/ to this user (uid:gid; we must be root): the user the broker runs as. */
  readonly owner?: { uid: number; gid: number };
}

export interface BrokerDir {
  readonly dataDir: string;
  readonly certsDir: string;
  readonly dynsecFile: string;
  /** False when the state file was there already (the broker's own state is kept). */
  readonly dynsecCreated: boolean;
  readonly certs: DevCertificates;
}

/**
 * Lays out a broker's directory as the shipped configuration expects it: `<dir>/data/dynamic-security.json` (written
 * only when missing) and `<dir>/certs/` (generated only when missing). Used by `broker-init` (compose's one-shot
 * service), the demo launcher and the tests' brokers.
 */
export function prepareBrokerDir(o: BrokerDirOptions): BrokerDir {
  const dataDir = path.join(o.dir, 'data');
  const certsDir = path.join(o.dir, 'certs');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dynsecFile = path.join(dataDir, DYNSEC_FILE);
  const dynsecCreated = writeInitialDynsec(dynsecFile, o);
  const certs = ensureDevCertificates(certsDir, { hosts: o.certHosts });
  if (o.owner) for (const d of [dataDir, certsDir]) chownTree(d, o.owner);
  return { dataDir, certsDir, dynsecFile, dynsecCreated, certs };
}

/**
 * The uid and gid of a local user (from /etc/passwd), e.g. `mosquitto`: a broker started as root drops to that user
 * and must still write its state file and persistence and read its key. Undefined when there is no such user.
 */
export function localUser(name: string, passwd = '/etc/passwd'): { uid: number; gid: number } | undefined {
  if (!existsSync(passwd)) return undefined;
  const line = readFileSync(passwd, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === name);
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Whom Mosquitto will run as when this process starts it: `mosquitto` when we are root, else ourselves (undefined). */
export function brokerOwner(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? localUser('mosquitto') : undefined;
}

export function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  if (!statSync(dir).isDirectory()) return;
  for (const entry of readdirSync(dir)) chownTree(path.join(dir, entry), owner);
}
