import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCity, planConnections, type City } from '@ioc/city';
import {
  checkOffline,
  checkOnline,
  exitCodeOf,
  formatResult,
  formatSummary,
  gatewaySampleEntries,
  mqttConformanceConnector,
  parsePayloadFile,
  sampleEntries,
  type CheckReport,
  type ParsedPayloadFile,
} from '@ioc/conformance';
import { DEVICE_TYPES, type DeviceType } from '@ioc/domain';
import { isIocError, PlatformError } from '@ioc/platform';

const USAGE = `usage:
  contract:check -- --url mqtts://host:8883 --username <id> --password <password> [--ca ca.pem]
                    [--device <id>[,<id>…]] [--type <device type>] [--gateway] [--file payloads.ndjson]
                    [--timeout-s 10] [--json]
  contract:check -- --offline --file payloads.ndjson [--json]
Without --file: one valid message of every kind of the device's type, on its own topics (--device, else the username;
its type from --type, else from the seeded city). With --gateway the username is a gateway: one batch on its topic with
those messages for each --device assigned to it (a seeded gateway without --device: one device of each type planned
behind it). The password may come from CONTRACT_CHECK_PASSWORD instead.
Exit code: 0 every payload stored (or duplicate; offline: accepted), 1 any refused, quarantined, unanswered or bad line,
64 usage.`;

const usage = (why: string) => new PlatformError('USAGE_INVALID', `${why}\n${USAGE}`);

function readPayloadFile(file: string): ParsedPayloadFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usage(`cannot read --file ${file}: ${(err as Error).message}`);
  }
  return parsePayloadFile(text);
}

let seeded: City | undefined;
/** The seeded city, read once however many devices need it. */
const seededCity = (): City => (seeded ??= loadCity());

/** The device's type: --type, else the seeded city's registry entry for the id. */
function deviceTypeOf(deviceId: string, type: string | undefined): DeviceType {
  if (type !== undefined) {
    if (!(DEVICE_TYPES as readonly string[]).includes(type))
      throw usage(`--type must be one of ${DEVICE_TYPES.join(', ')}`);
    return type as DeviceType;
  }
  const device = seededCity().devices.find((d) => d.id === deviceId);
  if (!device) throw usage(`"${deviceId}" is not a device of the seeded city: give its --type (or --file)`);
  return device.type;
}

/** A gateway's sample devices: --device (a list) with their types, else one of each type the seeded city plans behind it. */
function gatewayDevicesOf(gatewayId: string, list: string | undefined, type: string | undefined) {
  if (list) return list.split(',').map((id) => ({ id: id.trim(), type: deviceTypeOf(id.trim(), type) }));
  const city = seededCity();
  const planned = planConnections(city.devices).gatewayOf;
  const oneOfEach = new Map<DeviceType, string>();
  for (const d of city.devices)
    if (planned.get(d.id) === gatewayId && !oneOfEach.has(d.type)) oneOfEach.set(d.type, d.id);
  if (oneOfEach.size === 0) throw usage(`"${gatewayId}" is not a gateway of the seeded city: give its --device list`);
  return [...oneOfEach].map(([t, id]) => ({ id, type: t }));
}

/**
 * `node dist/apps/ioc/src/contract-check.js …` (`npm run contract:check -- …`): an integrator's check of its payloads
 * against a running IOC before the acceptance test, or offline against the contract alone (libs/conformance).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      ca: { type: 'string' },
      device: { type: 'string' },
      type: { type: 'string' },
      file: { type: 'string' },
      'timeout-s': { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
      gateway: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const timeoutS = Number(values['timeout-s']);
  if (!(timeoutS > 0 && timeoutS <= 600)) throw usage('--timeout-s must be a number of seconds, 0 < s ≤ 600');
  const onResult = values.json ? undefined : (r: Parameters<typeof formatResult>[0]) => say(formatResult(r));
  let report: CheckReport;
  if (values.offline) {
    if (!values.file && !(values.device && values.type))
      throw usage('--offline checks a --file (or --device and --type)');
    const file = values.file
      ? readPayloadFile(values.file)
      : { entries: sampleEntries(values.device!, deviceTypeOf(values.device!, values.type)), badLines: [] };
    report = checkOffline(file, { onResult });
  } else {
    const password = values.password ?? process.env.CONTRACT_CHECK_PASSWORD;
    if (!values.url || !values.username || !password)
      throw usage('--url, --username and --password are required (or --offline)');
    const deviceId = values.device ?? values.username;
    const file = values.file
      ? readPayloadFile(values.file)
      : {
          entries: values.gateway
            ? gatewaySampleEntries(values.username, gatewayDevicesOf(values.username, values.device, values.type))
            : sampleEntries(deviceId, deviceTypeOf(deviceId, values.type)),
          badLines: [],
        };
    let ca: Buffer | undefined;
    if (values.ca) {
      try {
        ca = readFileSync(values.ca);
      } catch (err) {
        throw usage(`cannot read --ca ${values.ca}: ${(err as Error).message}`);
      }
    }
    if (!values.json)
      say(`checking ${file.entries.length + file.badLines.length} payload(s) as ${values.username} on ${values.url}`);
    report = await checkOnline(
      file,
      { url: values.url, username: values.username, password, ca, timeoutMs: timeoutS * 1000, onResult },
      mqttConformanceConnector,
    );
  }
  say(values.json ? JSON.stringify(report, null, 2) : `\n${formatSummary(report)}`);
  return exitCodeOf(report);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
    process.exitCode = isIocError(err, 'USAGE_INVALID') ? 64 : 70;
  },
);
