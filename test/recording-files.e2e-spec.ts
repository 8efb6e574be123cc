import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MqttClient } from 'mqtt';
import { buildTopology, loadCity } from '@ioc/city';
import {
  type ExerciseDto,
  type FieldReportDto,
  type IncidentEventMessage,
  type RecordingDto,
  type RecordingManifest,
} from '@ioc/contracts';
import { ExerciseReplay, loadRules } from '@ioc/correlation';
import type { DeviceMessage, IncidentSignal } from '@ioc/domain';
import { loadScenario } from '@ioc/devices';
import { ExerciseRepository, openDatabase } from '@ioc/storage';
import {
  apiClient,
  pollUntil,
  projectRoot,
  SocketWatcher,
  startServer,
  startTestStack,
  testLogger,
  type ApiClient,
  type ServerHandle,
  type TestStack,
  publishExerciseStory,
} from '@ioc/testing';

jest.setTimeout(420_000);

/** What an exercise's socket saw, without its key prefix: the same recording must give the same list. */
const story = (events: readonly IncidentEventMessage[], prefix: string) =>
  events
    .filter((m) => m.incident.key.startsWith(prefix))
    .map(
      (m) =>
        `${m.type} ${m.incident.key.slice(prefix.length)} ${m.incident.severity} ${m.incident.state}` +
        (m.type === 'resolved' ? ` (${(m.data as { reason?: string }).reason})` : ''),
    );

/** Runs a recording as an exercise to its end and returns its story (every event its exercise socket saw). */
async function replay(server: ServerHandle, trainer: ApiClient, recordingId: string, resolved: number) {
  const watch = new SocketWatcher(server.baseUrl, trainer.token, { subscription: { exercise: true } });
  await watch.connected();
  const started = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId, speed: 30 });
  expect(started.status).toBe(201);
  await pollUntil(
    async () => (await trainer.get<ExerciseDto>(`/api/v1/exercises/${started.body.id}`)).body,
    (e) => e.status === 'finished',
    { timeoutMs: 60_000, everyMs: 200, context: () => server.logs().slice(-4000) },
  );
  await watch.waitFor(
    (w) => story(w.events, started.body.keyPrefix).filter((s) => s.startsWith('resolved')).length === resolved,
  );
  watch.close();
  return story(watch.events, started.body.keyPrefix);
}

async function upload(baseUrl: string, token: string, body: Buffer, type = 'application/gzip') {
  const res = await fetch(`${baseUrl}/api/v1/recordings/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  return { status: res.status, body: (await res.json()) as RecordingDto & { code?: string; details?: unknown } };
}

/**
 * Recordings that travel, whole system: a window recorded on one IOC is exported as a file, imported into another
 * (a fresh database), and both replay as the same exercise; a bad file is refused with its reason and leaves nothing.
 */
describe('recording files end to end', () => {
  let source: TestStack;
  let target: TestStack;
  let serverA: ServerHandle | undefined;
  let serverB: ServerHandle | undefined;
  let publisher: MqttClient;
  const base = Date.now() - 90_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();
  const allRoles = (stack: TestStack) => ({
    ...stack.env,
    IOC_ROLES: 'api,ingest,correlate,jobs',
    CORRELATION_TICK_MS: '100',
  });

  beforeAll(async () => {
    [source, target] = await Promise.all([startTestStack('rec-export'), startTestStack('rec-import')]);
    [serverA, serverB] = await Promise.all([startServer(allRoles(source)), startServer(allRoles(target))]);
    publisher = await source.broker.connectTrusted({ clientId: `pub-recfile-${process.pid}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    for (const s of [serverA, serverB]) if (s) await s.stop();
    await Promise.all([source?.close(), target?.close()]);
  });

  it('exports a recording, imports it into a fresh IOC and replays the same story on both', async () => {
    await publishExerciseStory(publisher, base);
    await pollUntil(
      () => source.stored(),
      (n) => n >= 3,
      { timeoutMs: 15_000 },
    );
    const trainerA = await apiClient(serverA!.baseUrl, 'trainer1');
    const operatorA = await apiClient(serverA!.baseUrl, 'operator1');
    // Three dumping reports at one corner (a hotspot), in the same recorded window as the readings.
    const reports: FieldReportDto[] = [];
    for (let i = 1; i <= 3; i++)
      reports.push(
        (
          await operatorA.post<FieldReportDto>('/api/v1/field-reports', {
            lat: 9.58768,
            lon: 105.97593,
            category: 'dumping',
            text: `Đổ trộm rác lần ${i}`,
            photoRef: `reports/dump-${i}.jpg`,
          })
        ).body,
      );
    const recorded = await trainerA.post<RecordingDto>('/api/v1/recordings', {
      name: 'Cháy thùng rác và đổ trộm',
      from: iso(0),
      to: new Date(Date.parse(reports[2].reportedAt) + 1_000).toISOString(),
    });
    expect(recorded).toMatchObject({ status: 201, body: { messages: 3, reports: 3 } });

    // Export: trainers and supervisors only.
    const url = `${serverA!.baseUrl}/api/v1/recordings/${recorded.body.id}/export`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${operatorA.token}` } })).status).toBe(403);
    const res = await fetch(url, { headers: { authorization: `Bearer ${trainerA.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="chay-thung-rac-va-do-trom.iocrec"');
    const file = Buffer.from(await res.arrayBuffer());
    const [first, ...lines] = gunzipSync(file).toString('utf8').trimEnd().split('\n');
    const manifest = JSON.parse(first) as RecordingManifest;
    expect(manifest).toMatchObject({
      format: 'ioc-recording',
      version: 1,
      name: 'Cháy thùng rác và đổ trộm',
      counts: { messages: 3, fieldReports: 3 },
      window: { from: recorded.body.from, to: recorded.body.to },
      createdByName: 'Phạm Thu Hà',
    });
    expect(manifest.cityModel.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines).toHaveLength(6);
    expect(
      (await fetch(`${serverA!.baseUrl}/api/v1/recordings/00000000-0000-4000-8000-000000000000/export`, {
        headers: { authorization: `Bearer ${trainerA.token}` },
      }).then((r) => r.json())) as { code: string },
    ).toMatchObject({ code: 'RECORDING_NOT_FOUND' });

    // Import into the fresh IOC: refusals first, each with its code and reason, leaving nothing behind.
    const supervisorB = await apiClient(serverB!.baseUrl, 'supervisor1');
    const operatorB = await apiClient(serverB!.baseUrl, 'operator1');
    expect((await upload(serverB!.baseUrl, operatorB.token, file)).status).toBe(403);
    const truncated = await upload(serverB!.baseUrl, supervisorB.token, file.subarray(0, file.length - 10));
    expect(truncated).toMatchObject({
      status: 400,
      body: { code: 'RECORDING_FILE_INVALID', details: { reason: 'truncated' } },
    });
    const tampered = gzipSync(Buffer.from([first, ...lines.map((l) => l.replace('Đổ trộm', 'Đổ'))].join('\n') + '\n'));
    expect(await upload(serverB!.baseUrl, supervisorB.token, tampered)).toMatchObject({
      status: 400,
      body: { code: 'RECORDING_FILE_INVALID', details: { reason: 'checksum-mismatch' } },
    });
    const otherCity = gzipSync(
      Buffer.from(
        [JSON.stringify({ ...manifest, cityModel: { hash: `sha256:${'0'.repeat(64)}`, devices: 3 } }), ...lines].join(
          '\n',
        ) + '\n',
      ),
    );
    const refusedCity = await upload(serverB!.baseUrl, supervisorB.token, otherCity);
    expect(refusedCity).toMatchObject({ status: 422, body: { code: 'RECORDING_CITY_MISMATCH' } });
    expect(JSON.stringify(refusedCity.body)).toContain('this IOC runs sha256:');
    expect(await upload(serverB!.baseUrl, supervisorB.token, file, 'text/plain')).toMatchObject({
      status: 400,
      body: { code: 'RECORDING_FILE_INVALID' },
    });
    expect(await target.count('SELECT count(*) AS n FROM exercise_recording')).toBe(0);
    expect(await target.count('SELECT count(*) AS n FROM exercise_recording_message')).toBe(0);

    const imported = await upload(serverB!.baseUrl, supervisorB.token, file, 'application/octet-stream');
    expect(imported).toMatchObject({
      status: 201,
      body: {
        name: 'Cháy thùng rác và đổ trộm',
        from: recorded.body.from,
        to: recorded.body.to,
        messages: 3,
        reports: 3,
        createdByName: 'Lê Hoàng Nam',
      },
    });
    // The same file exported again from the second IOC is the same content.
    const trainerB = await apiClient(serverB!.baseUrl, 'trainer1');
    const again = await fetch(`${serverB!.baseUrl}/api/v1/recordings/${imported.body.id}/export`, {
      headers: { authorization: `Bearer ${trainerB.token}` },
    });
    const [firstB, ...linesB] = gunzipSync(Buffer.from(await again.arrayBuffer()))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(linesB).toEqual(lines);
    expect((JSON.parse(firstB) as RecordingManifest).checksum).toBe(manifest.checksum);

    // Both replay as the same exercise: the same incidents open, grow and clear in the same order.
    const storyA = await replay(serverA!, trainerA, recorded.body.id, 3);
    const storyB = await replay(serverB!, trainerB, imported.body.id, 3);
    expect(storyA).toEqual([
      'opened bin-fire:ward-p10 major open',
      'severity-raised bin-fire:ward-p10 critical open',
      'opened camera-tampered:ward-p10 moderate open',
      'opened illegal-dumping-hotspot:ward-p10 minor open',
      'resolved bin-fire:ward-p10 critical resolved (the exercise ended)',
      'resolved camera-tampered:ward-p10 moderate resolved (the exercise ended)',
      'resolved illegal-dumping-hotspot:ward-p10 minor resolved (the exercise ended)',
    ]);
    expect(storyB).toEqual(storyA);
  });
});

/**
 * `npm run devices -- --scenario … --record NAME`: the scenario generated at machine speed into a fresh database as a
 * recording, which replays as an exercise raising the scenario's expected incidents.
 */
describe('a simulator scenario recorded straight into a recording', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  const scenario = loadScenario('king-tide-rain-october');

  beforeAll(async () => {
    stack = await startTestStack('rec-cli');
  });
  afterAll(async () => {
    if (server) await server.stop();
    await stack?.close();
  });

  it('records the October king tide, and its replay raises every expected incident in its window', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        path.join(projectRoot(), 'dist/devices/src/cli.js'),
        '--scenario',
        'king-tide-rain-october',
        '--record',
        'Triều cường tháng 10',
      ],
      { env: { ...process.env, DATABASE_URL: stack.db.url, LOG_LEVEL: 'warn' }, maxBuffer: 16 * 1024 * 1024 },
    );
    const printed = JSON.parse(stdout) as { id: string; from: string; to: string; messages: number; reports: number };
    expect(printed).toMatchObject({
      name: 'Triều cường tháng 10',
      from: new Date(scenario.startMs).toISOString(),
      to: new Date(scenario.startMs + scenario.durationS * 1000).toISOString(),
      reports: 0,
    });
    expect(printed.messages).toBeGreaterThan(100_000);
    expect(stderr).toContain('recorded');

    // The whole replay, at machine speed, through the exercise's engine (what the jobs role's runner runs).
    const db = await openDatabase({ url: stack.db.url, poolSize: 2, timescaledb: 'auto', migrate: false }, testLogger);
    const signals: IncidentSignal[] = [];
    try {
      const repo = new ExerciseRepository(db);
      const from = Date.parse(printed.from);
      const to = Date.parse(printed.to);
      const replayEngine = new ExerciseReplay(
        loadRules(),
        buildTopology(loadCity()),
        { from, to, speed: 1, startedAt: from },
        '',
        new Set(await repo.recordingDevices(printed.id)),
      );
      let after: DeviceMessage | undefined;
      for (;;) {
        const page = await repo.recordingPage(
          printed.id,
          after && { time: after.ts, deviceId: after.deviceId, msgId: after.msgId },
          20_000,
        );
        const last = page.at(-1);
        // Everything up to the page's last millisecond is in hand once the next page is read: advance to just before it.
        replayEngine.push(
          page.map((m) => ({ deviceId: m.deviceId, msgId: m.msgId, kind: m.kind, ts: m.ts.getTime(), body: m.body })),
        );
        if (page.length < 20_000 || !last) break;
        signals.push(...replayEngine.advanceTo(last.ts.getTime() - 1).map((s) => s.signal));
        after = last;
      }
      signals.push(...replayEngine.advanceTo(to).map((s) => s.signal));
    } finally {
      await db.close();
    }
    const raised = signals.filter((s): s is Extract<IncidentSignal, { op: 'raise' }> => s.op === 'raise');
    const missed = scenario.file.expectedIncidents.filter(
      (x) =>
        !raised.some(
          (r) => r.type === x.type && r.zone.id === x.zone && r.at >= Date.parse(x.from) && r.at <= Date.parse(x.to),
        ),
    );
    expect(missed.map((x) => `${x.type} ${x.zone} ${x.from}..${x.to}`)).toEqual([]);

    // And through the IOC: the recording is listed, and an exercise of it raises the first expected incident (the
    // king-tide watch, 90 min into the recording: 9 s at ×600).
    server = await startServer({ ...stack.env, IOC_ROLES: 'api,jobs' });
    const trainer = await apiClient(server.baseUrl, 'trainer1');
    const listed = (await trainer.get<RecordingDto[]>('/api/v1/recordings')).body;
    expect(listed.map((r) => [r.id, r.messages, r.createdBy])).toEqual([[printed.id, printed.messages, 'simulator']]);
    const started = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: printed.id, speed: 600 });
    expect(started.status).toBe(201);
    const watch = scenario.file.expectedIncidents.find((x) => x.type === 'king-tide-watch')!;
    await pollUntil(
      () =>
        trainer.get<{ items: Array<{ key: string }> }>('/api/v1/incidents?exercise=true&limit=100').then((r) => r.body),
      (b) => b.items.some((i) => i.key === `${started.body.keyPrefix}${watch.type}:${watch.zone}`),
      { timeoutMs: 240_000, everyMs: 1_000, context: () => server!.logs().slice(-4000) },
    );
    expect((await trainer.post<ExerciseDto>(`/api/v1/exercises/${started.body.id}/stop`)).body.status).toBe('stopped');
  });
});
