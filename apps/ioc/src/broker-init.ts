import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEV_CERT_HOSTS, prepareBrokerDir } from '@ioc/broker-setup';
import { isIocError, PlatformError } from '@ioc/platform';

const USAGE = `usage: broker-init --dir <broker directory> [--cert-hosts <name,address,…>] [--owner <uid>:<gid>]
  Writes <dir>/data/dynamic-security.json (when missing) and <dir>/certs/ (a development CA and server certificate,
  when missing). Credentials from the environment: MQTT_ADMIN_PASSWORD and MQTT_PASSWORD (required),
  MQTT_ADMIN_USERNAME (ioc-admin), MQTT_USERNAME (ioc-ingest), INGEST_SHARE_GROUP (ioc-ingest).`;

/**
 * The variables broker-init reads, named and checked as the server's config (libs/platform) names them; the server
 * itself does not need the broker's bootstrap, so they are parsed here, once.
 */
const BROKER_INIT_ENV = z.object({
  MQTT_ADMIN_USERNAME: z.string().min(1).default('ioc-admin'),
  MQTT_ADMIN_PASSWORD: z.string({ error: 'required' }).min(12, 'at least 12 characters'),
  MQTT_USERNAME: z.string().min(1).default('ioc-ingest'),
  MQTT_PASSWORD: z.string({ error: 'required' }).min(12, 'at least 12 characters'),
  INGEST_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/)
    .default('ioc-ingest'),
});

/**
 * `node dist/apps/ioc/src/broker-init.js --dir /mosquitto` (`npm run broker:init -- --dir …`): prepares a broker
 * directory for docker/mosquitto/mosquitto.conf before Mosquitto first starts (compose runs it as a one-shot service).
 * Mosquitto 2.0 cannot bootstrap its Dynamic Security plugin from the environment, so the plugin's state file is
 * written here with the IOC's admin and ingest identities; once it exists it is the broker's own and is left alone.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      'cert-hosts': { type: 'string' },
      owner: { type: 'string' },
    },
  });
  if (!values.dir) throw new PlatformError('USAGE_INVALID', USAGE);
  const owner = values.owner?.match(/^(\d+):(\d+)$/);
  if (values.owner && !owner) throw new PlatformError('USAGE_INVALID', `--owner must be <uid>:<gid>\n${USAGE}`);
  const cleaned = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = BROKER_INIT_ENV.safeParse(cleaned);
  if (!parsed.success)
    throw new PlatformError(
      'CONFIG_INVALID',
      `Invalid configuration:\n  - ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  - ')}`,
    );
  const e = parsed.data;
  const layout = prepareBrokerDir({
    dir: values.dir,
    admin: { username: e.MQTT_ADMIN_USERNAME, password: e.MQTT_ADMIN_PASSWORD },
    ingest: { username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, shareGroup: e.INGEST_SHARE_GROUP },
    certHosts: values['cert-hosts']?.split(',').map((h) => h.trim()) ?? DEV_CERT_HOSTS,
    owner: owner ? { uid: Number(owner[1]), gid: Number(owner[2]) } : undefined,
  });
  const say = (line: string) => process.stdout.write(`[broker-init] ${line}\n`);
  say(
    layout.dynsecCreated
      ? `wrote ${layout.dynsecFile}: identities ${e.MQTT_ADMIN_USERNAME} and ${e.MQTT_USERNAME}`
      : `kept ${layout.dynsecFile}: the broker's identities are its own once it exists (passwords from the environment are not applied)`,
  );
  say(
    layout.certs.created
      ? `generated a development CA and server certificate in ${layout.certsDir} (clients trust ${layout.certs.caFile})`
      : `kept the certificates in ${layout.certsDir}`,
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
  process.exit(isIocError(err, 'USAGE_INVALID') ? 64 : isIocError(err, 'CONFIG_INVALID') ? 78 /* EX_CONFIG */ : 1);
}
