import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deviceTopic, type MqttCredentials } from '@ioc/contracts';
import {
  checkOffline,
  checkOnline,
  mqttConformanceConnector,
  parsePayloadFile,
  sampleEntries,
  type CheckReport,
} from '@ioc/conformance';
import {
  apiClient,
  messageBody,
  projectRoot,
  startServer,
  startTestStack,
  type ApiClient,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

const CLI = path.join(projectRoot(), 'dist/apps/ioc/src/contract-check.js');

/** The built checker (`npm run build` first) as an integrator runs it: its exit code and what it printed. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    ),
  );
}

/**
 * `npm run contract:check` against the real thing: a secured Mosquitto, the built IOC with its ingest answering
 * receipts, a real PostgreSQL. A device that does everything right passes; one that does not is told why, payload by
 * payload.
 */
describe('contract:check end to end', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let integrator: ApiClient;
  let dir: string;
  const line = (topic: string, payload: unknown) => JSON.stringify({ topic, payload });
  const register = async (id: string, type: string, wardId: string) => {
    const res = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/devices', {
      id,
      type,
      wardId,
    });
    expect(res.status).toBe(201);
    return res.body.credentials;
  };
  const statuses = (r: CheckReport) => r.results.map((x) => [x.line ?? x.index, x.status]);

  beforeAll(async () => {
    stack = await startTestStack('contract-check');
    server = await startServer({ ...stack.env, AUTH_DEMO_USERS: 'true' });
    integrator = await apiClient(server.baseUrl, 'integrator1');
    dir = mkdtempSync(path.join(tmpdir(), 'ioc-contract-check-'));
  });

  afterAll(async () => {
    await server?.stop();
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a device that does everything right: every kind of its type stored, then a resend a duplicate', async () => {
    const creds = await register('cam-cc-001', 'camera', 'ward-p1');
    const entries = sampleEntries('cam-cc-001', 'camera');
    const opts = { url: stack.broker.url, username: creds.username, password: creds.password, timeoutMs: 10_000 };
    const first = await checkOnline({ entries, badLines: [] }, opts, mqttConformanceConnector);
    expect(first.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect(first.ok).toBe(true);
    expect(await stack.count("SELECT count(*) AS n FROM raw_message WHERE device_id = 'cam-cc-001'")).toBe(3);

    const again = await checkOnline({ entries, badLines: [] }, opts, mqttConformanceConnector);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.ok).toBe(true);

    // The CLI over TLS, its samples generated from --type: exit 0.
    const cli = await runCli([
      ...['--url', stack.broker.tlsUrl, '--ca', stack.broker.caFile],
      ...['--username', creds.username, '--password', creds.password, '--type', 'camera'],
    ]);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli.stdout).toContain('3 payloads checked as cam-cc-001');
    expect(cli.stdout).toContain('PASS');
  });

  it("checks a gateway's batch for its devices with the CLI, and says which entry it may not send", async () => {
    await register('bin-cc-010', 'bin', 'ward-p8');
    await register('bin-cc-011', 'bin', 'ward-p8');
    const gw = await integrator.post<{ credentials: MqttCredentials }>('/api/v1/registry/gateways', {
      id: 'gw-cc-01',
      wardId: 'ward-p8',
      deviceIds: ['bin-cc-010'],
    });
    expect(gw.status).toBe(201);
    const args = [
      ...['--url', stack.broker.url, '--username', 'gw-cc-01', '--password', gw.body.credentials.password],
      ...['--gateway', '--type', 'bin', '--json'],
    ];
    const ok = await runCli([...args, '--device', 'bin-cc-010']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as CheckReport).results.map((r) => r.status)).toEqual(['stored']);
    // bin-cc-011 is registered but not behind this gateway: its entry is quarantined, the other stored.
    const partly = await runCli([...args, '--device', 'bin-cc-010,bin-cc-011']);
    expect(partly.code).toBe(1);
    expect(partly.stdout).toContain('GATEWAY_DEVICE_NOT_ASSIGNED');
  });

  it("fails a device that does not: a payload out of range quarantined, another device's topic refused", async () => {
    const creds = await register('wl-cc-002', 'water-level-sensor', 'ward-p3');
    const at = new Date(Date.now() - 1000);
    const file = path.join(dir, 'wl-cc-002.ndjson');
    writeFileSync(
      file,
      [
        line(deviceTopic('water-level', 'wl-cc-002'), messageBody('water-level', 1, at)),
        line(deviceTopic('water-level', 'wl-cc-002'), { ...messageBody('water-level', 2, at), levelCm: 9999 }),
        line(deviceTopic('camera-health', 'cam-cc-001'), messageBody('camera-health', 3, at)),
        '',
        '{"topic": 1}',
      ].join('\n'),
    );
    const report = await checkOnline(
      parsePayloadFile(readFileSync(file, 'utf8')),
      { url: stack.broker.url, username: creds.username, password: creds.password, timeoutMs: 10_000 },
      mqttConformanceConnector,
    );
    expect(statuses(report)).toEqual([
      [1, 'stored'],
      [2, 'quarantined'],
      [3, 'refused'],
      [5, 'bad-line'],
    ]);
    expect(report.results[1].rejected).toEqual([
      {
        code: 'SCHEMA_INVALID',
        reason: 'water-level: /levelCm must be <= 500',
        msgId: expect.any(String),
        deviceId: 'wl-cc-002',
      },
    ]);
    expect(report.results[2]).toMatchObject({ reasonCode: 0x87, detail: 'refused by the broker: 0x87 not authorized' });
    expect(report.ok).toBe(false);

    // The CLI, --json: one report document, exit 1.
    const cli = await runCli([
      ...['--url', stack.broker.url, '--username', creds.username, '--password', creds.password],
      ...['--file', file, '--json', '--timeout-s', '10'],
    ]);
    expect(cli.code).toBe(1);
    const doc = JSON.parse(cli.stdout) as CheckReport;
    expect(doc.summary).toMatchObject({ duplicate: 1, quarantined: 1, refused: 1, 'bad-line': 1 });
    expect(doc.ok).toBe(false);
  });

  it('refuses every payload, with the reason, when the password is wrong', async () => {
    const report = await checkOnline(
      { entries: sampleEntries('wl-cc-002', 'water-level-sensor'), badLines: [] },
      { url: stack.broker.url, username: 'wl-cc-002', password: 'guessed-password', timeoutMs: 2000 },
      mqttConformanceConnector,
    );
    expect(report.results.map((r) => [r.status, r.reasonCode])).toEqual([['refused', 0x87]]);
  });

  it('checks a file offline, with no broker: one good line, one bad', async () => {
    const file = path.join(dir, 'offline.ndjson');
    const now = new Date();
    writeFileSync(
      file,
      [
        line(deviceTopic('rain', 'rg-cc-001'), { msgId: 'rg-1', ts: now.toISOString(), rainMm: 4.2, intervalS: 300 }),
        line(deviceTopic('rain', 'rg-cc-001'), { msgId: 'rg-2', ts: now.toISOString(), rainMm: 4.2 }),
      ].join('\n'),
    );
    const report = checkOffline(parsePayloadFile(readFileSync(file, 'utf8')));
    expect(statuses(report)).toEqual([
      [1, 'accepted'],
      [2, 'quarantined'],
    ]);
    expect(report.results[1].rejected?.[0].code).toBe('SCHEMA_INVALID');
    const cli = await runCli(['--offline', '--file', file]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/FAIL line 2 +QUARANTINED/);
    expect(cli.stdout).toContain('SCHEMA_INVALID: rain: / is missing required property "intervalS"');
  });
});
