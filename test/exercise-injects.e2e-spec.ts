import type { MqttClient } from 'mqtt';
import {
  deviceTopic,
  type ExerciseDto,
  type ExerciseInjectDto,
  type ExerciseScriptDto,
  type IncidentEventMessage,
  type RecordingDto,
} from '@ioc/contracts';
import {
  apiClient,
  pollUntil,
  SocketWatcher,
  startServer,
  startTestStack,
  type ApiClient,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

jest.setTimeout(120_000);

const MIN = 60_000;
const SPEED = 120;
/** The three cameras of Phường 10 the recording holds: their health every minute for 20 minutes. */
const CAMERAS = ['cam-thd-005', 'cam-thd-006', 'cam-thd-007'];

/**
 * Injects and scripts (issue 19), whole system: a trainer injects a camera tampering and a ward power cut into a
 * running exercise; they raise their incidents at the injected drill times through the same engine as the recording;
 * the exercise saved as a script and run again by a supervisor gives the same incidents at the same drill times; a
 * backward seek past an inject reproduces it once, and what a forward seek skipped reaches the sockets flagged quiet.
 */
describe('exercise injects end to end', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publisher: MqttClient;
  let trainer: ApiClient;
  let supervisor: ApiClient;
  let operator: ApiClient;
  let recording: RecordingDto;
  const base = Math.floor((Date.now() - 25 * MIN) / 1000) * 1000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  beforeAll(async () => {
    stack = await startTestStack('exercise-injects');
    server = await startServer({ ...stack.env, IOC_ROLES: 'api,ingest,correlate,jobs', CORRELATION_TICK_MS: '100' });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-exercise-injects-${process.pid}` });
    for (let m = 0; m < 20; m++)
      for (const cam of CAMERAS)
        await publisher.publishAsync(
          deviceTopic('camera-health', cam),
          JSON.stringify({ msgId: `h-${m}`, ts: iso(m * MIN + 500), online: true, tampered: false, fps: 25 }),
          { qos: 1 },
        );
    await pollUntil(
      () => stack.stored(),
      (n) => n >= 60,
      { timeoutMs: 20_000 },
    );
    trainer = await apiClient(server.baseUrl, 'trainer1');
    supervisor = await apiClient(server.baseUrl, 'supervisor1');
    operator = await apiClient(server.baseUrl, 'operator1');
    const res = await trainer.post<RecordingDto>('/api/v1/recordings', {
      name: 'Phường 10, buổi sáng',
      from: iso(0),
      to: iso(20 * MIN),
    });
    expect(res.status).toBe(201);
    recording = res.body;
  });

  afterAll(async () => {
    await publisher?.endAsync();
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
  });

  const exercise = async (id: string) => (await trainer.get<ExerciseDto>(`/api/v1/exercises/${id}`)).body;
  const until = (id: string, ok: (e: ExerciseDto) => boolean, timeoutMs = 30_000) =>
    pollUntil(() => exercise(id), ok, {
      timeoutMs,
      everyMs: 100,
      context: () => `logs:\n${server?.logs().slice(-4000)}`,
    });
  const start = async (client: ApiClient, body: Record<string, unknown>) => {
    const res = await client.post<ExerciseDto>('/api/v1/exercises', { speed: SPEED, ...body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const inject = (id: string, body: Record<string, unknown>, client = trainer) =>
    client.post<ExerciseInjectDto & { code?: string; details?: { reason?: string } }>(
      `/api/v1/exercises/${id}/injects`,
      body,
    );
  /**
   * The incidents a run raised: type, key without the run's prefix, and the drill time (seconds into the recording)
   * they opened at. Unsteered at SPEED, the exercise clock maps back exactly: drill = from + (opened − started) × speed.
   */
  const incidentsOf = async (e: ExerciseDto, prefix = e.runPrefix) =>
    (
      await trainer.get<{ items: Array<{ key: string; type: string; openedAt: string | number }> }>(
        '/api/v1/incidents?exercise=true&limit=100',
      )
    ).body.items
      .filter((i) => i.key.startsWith(prefix) && !i.key.slice(prefix.length).startsWith('r'))
      .map((i) => {
        const drillS = ((new Date(i.openedAt).getTime() - Date.parse(e.startedAt)) * SPEED) / 1000;
        return `${i.type} ${i.key.slice(prefix.length)} @${Math.round(drillS)}s`;
      })
      .sort();

  it('raises the injected incidents at their drill times, and a script of the drill gives the same again', async () => {
    const first = await start(trainer, { recordingId: recording.id });
    const tamper = { kind: 'camera-tampered', deviceId: 'cam-ph-001', durationMin: 10, at: iso(5 * MIN) };
    const powerCut = { kind: 'ward-power-cut', wardId: 'ward-p10', durationMin: 8, at: iso(8 * MIN) };
    const logged = [await inject(first.id, tamper), await inject(first.id, powerCut)];
    expect(logged.map((r) => [r.status, r.body.seq, r.body.kind, r.body.at])).toEqual([
      [201, 1, 'camera-tampered', iso(5 * MIN)],
      [201, 2, 'ward-power-cut', iso(8 * MIN)],
    ]);
    expect(logged[0].body.params).toEqual({ deviceId: 'cam-ph-001', durationMin: 10 });

    // Refused: an unknown target, a silence the recording could not show, a time already replayed, roles.
    expect(await inject(first.id, { kind: 'camera-dark', deviceId: 'cam-nope' })).toMatchObject({
      status: 400,
      body: { code: 'EXERCISE_INJECT_INVALID', details: { reason: 'target' } },
    });
    expect(await inject(first.id, { kind: 'ward-power-cut', wardId: 'ward-p3' })).toMatchObject({
      status: 400,
      body: { code: 'EXERCISE_INJECT_INVALID', details: { reason: 'not-recorded' } },
    });
    expect((await inject(first.id, { kind: 'sensor-drift', deviceId: 'wl-p2-001', ratePerH: 1000 })).status).toBe(400);
    expect((await inject(first.id, { kind: 'camera-dark', deviceId: 'cam-ph-001' }, operator)).status).toBe(403);
    await until(first.id, (e) => e.replayedTo !== null && Date.parse(e.replayedTo) > base + 2 * MIN);
    expect(await inject(first.id, { kind: 'camera-dark', deviceId: 'cam-thd-005', at: iso(MIN) })).toMatchObject({
      status: 400,
      body: { code: 'EXERCISE_INJECT_INVALID', details: { reason: 'time' } },
    });

    const done = await until(first.id, (e) => e.status === 'finished');
    const expected = await incidentsOf(done);
    // The tampering at its drill time; the outage when the ward's cameras have been silent 6 minutes.
    expect(expected).toEqual([
      'camera-tampered camera-tampered:ward-p2 @300s',
      'zone-outage zone-outage:ward-p10 @780s',
    ]);
    const log = (await trainer.get<ExerciseInjectDto[]>(`/api/v1/exercises/${first.id}/injects`)).body;
    expect(log.map((i) => [i.seq, i.kind, i.at, i.createdByName])).toEqual([
      [1, 'camera-tampered', iso(5 * MIN), 'Phạm Thu Hà'],
      [2, 'ward-power-cut', iso(8 * MIN), 'Phạm Thu Hà'],
    ]);
    expect(log[0].incidentKeys).toEqual([`${done.runPrefix}camera-tampered:ward-p2`]);
    expect((await operator.get(`/api/v1/exercises/${first.id}/injects`)).status).toBe(200);

    // Saved as a script, run again by a supervisor: the same incidents at the same drill times.
    const saved = await trainer.post<ExerciseScriptDto>(`/api/v1/exercises/${first.id}/script`, {
      name: 'Mất điện phường 10',
    });
    expect(saved).toMatchObject({
      status: 201,
      body: { recordingId: recording.id, injects: [{ ...tamper }, { ...powerCut }] },
    });
    expect((await supervisor.get<ExerciseScriptDto[]>('/api/v1/exercise-scripts')).body.map((s) => s.id)).toContain(
      saved.body.id,
    );
    const again = await start(supervisor, { scriptId: saved.body.id });
    const twice = await until(again.id, (e) => e.status === 'finished');
    expect(await incidentsOf(twice)).toEqual(expected);
    const replayedLog = (await trainer.get<ExerciseInjectDto[]>(`/api/v1/exercises/${again.id}/injects`)).body;
    expect(replayedLog.map((i) => [i.seq, i.kind, i.at, i.createdByName])).toEqual([
      [1, 'camera-tampered', iso(5 * MIN), 'Lê Hoàng Nam'],
      [2, 'ward-power-cut', iso(8 * MIN), 'Lê Hoàng Nam'],
    ]);

    // A backward seek past the injects, after a forward seek skipped them: the last run raises each once, live; the
    // skipped decisions reached the sockets flagged quiet.
    const watch = new SocketWatcher(server!.baseUrl, trainer.token, { subscription: { exercise: true } });
    await watch.connected();
    const third = await start(trainer, { scriptId: saved.body.id });
    expect(await trainer.post<ExerciseDto>(`/api/v1/exercises/${third.id}/seek`, { to: iso(15 * MIN) })).toMatchObject({
      status: 200,
      body: { run: 0 },
    });
    await until(third.id, (e) => e.signalsApplied >= 2);
    const back = await trainer.post<ExerciseDto>(`/api/v1/exercises/${third.id}/seek`, { to: iso(3 * MIN) });
    expect(back).toMatchObject({ status: 200, body: { run: 1 } });
    const rewound = await until(third.id, (e) => e.status === 'finished');
    const run1 = (await incidentsOf(rewound, rewound.runPrefix)).map((s) => s.replace(/ @\d+s$/, ''));
    expect(run1).toEqual(expected.map((s) => s.replace(/ @\d+s$/, '')));
    const opened = (prefix: string, exclude?: string) =>
      watch.events.filter(
        (m: IncidentEventMessage) =>
          m.type === 'opened' && m.incident.key.startsWith(prefix) && !(exclude && m.incident.key.startsWith(exclude)),
      );
    await watch.waitFor(() => opened(rewound.runPrefix).length === 2);
    expect(opened(third.keyPrefix, rewound.runPrefix).map((m) => m.quiet)).toEqual([true, true]);
    expect(opened(rewound.runPrefix).map((m) => m.quiet)).toEqual([undefined, undefined]);
    watch.close();
  });

  it('keeps scripts: made from planned injects, checked, listed and deleted; an exercise starts from one source', async () => {
    const doc = (await (await fetch(`${server!.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/exercises/{id}/injects',
      '/api/v1/exercises/{id}/script',
      '/api/v1/exercise-scripts',
      '/api/v1/exercise-scripts/{id}',
    ])
      expect(doc.paths).toHaveProperty([path]);
    const planned = [
      { at: iso(2 * MIN), kind: 'false-detection', deviceId: 'cam-thd-006', eventType: 'illegal_dumping' },
      {
        at: iso(4 * MIN),
        kind: 'field-report',
        category: 'dumping',
        text: 'Đổ rác',
        photoRef: 'p/1.jpg',
        wardId: 'ward-p10',
      },
    ];
    const made = await trainer.post<ExerciseScriptDto>('/api/v1/exercise-scripts', {
      name: 'Báo động giả',
      recordingId: recording.id,
      injects: planned,
    });
    expect(made).toMatchObject({ status: 201, body: { name: 'Báo động giả', recordingName: recording.name } });
    expect(made.body.injects[0]).toEqual({ ...planned[0], count: 3 });
    const refused = [
      { ...planned[0], at: undefined },
      { ...planned[0], at: iso(30 * MIN) },
      { ...planned[0], deviceId: 'wl-p2-001' },
      { ...planned[1], lat: 9.6, lon: 105.97 },
    ];
    for (const bad of refused)
      expect(
        (
          await trainer.post('/api/v1/exercise-scripts', {
            name: 'Sai',
            recordingId: recording.id,
            injects: [bad],
          })
        ).status,
      ).toBe(400);
    expect((await operator.post('/api/v1/exercise-scripts', { name: 'x', recordingId: recording.id })).status).toBe(
      403,
    );
    expect(
      await trainer.post('/api/v1/exercises', { recordingId: recording.id, scriptId: made.body.id }),
    ).toMatchObject({ status: 400 });
    expect(await trainer.post('/api/v1/exercises', { scriptId: '00000000-0000-4000-8000-000000000000' })).toMatchObject(
      { status: 404, body: { code: 'EXERCISE_SCRIPT_NOT_FOUND' } },
    );
    expect((await trainer.delete(`/api/v1/exercise-scripts/${made.body.id}`)).status).toBe(204);
    expect(await trainer.delete(`/api/v1/exercise-scripts/${made.body.id}`)).toMatchObject({
      status: 404,
      body: { code: 'EXERCISE_SCRIPT_NOT_FOUND' },
    });
  });
});
