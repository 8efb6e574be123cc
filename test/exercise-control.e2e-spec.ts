import type { MqttClient } from 'mqtt';
import { deviceTopic, type ExerciseDto, type IncidentEventMessage, type RecordingDto } from '@ioc/contracts';
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

/**
 * Control of a running exercise (issue 19), whole system: a trainer pauses, changes the speed of, seeks forward and
 * backward a running exercise, and its last run leaves the same incidents as a straight run at "max"; a backward seek
 * resolves the earlier run's incidents; several exercises run at once (EXERCISES_MAX_RUNNING, 3 by
 * default), each under its own key prefix, none on the live feed.
 */
describe('exercise control end to end', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publisher: MqttClient;
  let trainer: ApiClient;
  let operator: ApiClient;
  let recording: RecordingDto;
  const base = Date.now() - 90_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  beforeAll(async () => {
    stack = await startTestStack('exercise-control');
    // Every role in one process: the jobs role's runner takes up to EXERCISES_MAX_RUNNING replays at once.
    server = await startServer({ ...stack.env, IOC_ROLES: 'api,ingest,correlate,jobs', CORRELATION_TICK_MS: '100' });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-exercise-control-${process.pid}` });
    // A bin catches fire 1 s in and burns hotter 6 s in; a camera is tampered with 11 s in.
    const readings: Array<[string, string, Record<string, unknown>]> = [
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        'c-fire-1',
        { ts: iso(1_000), fillPct: 50, temperatureC: 95, tiltDeg: 1 },
      ],
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        'c-fire-2',
        { ts: iso(6_000), fillPct: 50, temperatureC: 135, tiltDeg: 1 },
      ],
      [
        deviceTopic('camera-health', 'cam-thd-005'),
        'c-tamper-1',
        { ts: iso(11_000), online: true, tampered: true, fps: 25 },
      ],
    ];
    for (const [topic, msgId, body] of readings)
      await publisher.publishAsync(topic, JSON.stringify({ msgId, ...body }), { qos: 1 });
    await pollUntil(
      () => stack.stored(),
      (n) => n >= 3,
      { timeoutMs: 15_000 },
    );
    trainer = await apiClient(server.baseUrl, 'trainer1');
    operator = await apiClient(server.baseUrl, 'operator1');
    const res = await trainer.post<RecordingDto>('/api/v1/recordings', {
      name: 'Cháy và camera',
      from: iso(0),
      to: iso(17_000),
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
  const start = async (speed: number | 'max') => {
    const res = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed });
    expect(res.status).toBe(201);
    return res.body;
  };
  const control = (id: string, what: string, body?: unknown) =>
    trainer.post<ExerciseDto & { code?: string }>(`/api/v1/exercises/${id}/${what}`, body);
  const story = (events: readonly IncidentEventMessage[], prefix: string) =>
    events
      .filter((m) => m.incident.key.startsWith(prefix))
      .map(
        (m) =>
          `${m.type} ${m.incident.key.slice(prefix.length)} ${m.incident.state}${m.type === 'resolved' ? ` (${(m.data as { reason?: string }).reason})` : ''}`,
      );
  /** The incidents a run left: type and key without its prefix. */
  const incidentsOf = async (prefix: string) =>
    (
      await trainer.get<{ items: Array<{ key: string; type: string }> }>('/api/v1/incidents?exercise=true&limit=100')
    ).body.items
      .filter((i) => i.key.startsWith(prefix) && !i.key.slice(prefix.length).startsWith('r'))
      .map((i) => `${i.type} ${i.key.slice(prefix.length)}`)
      .sort();

  it('pauses, changes speed, seeks forward quietly and backward as a new run, ending as a straight run does', async () => {
    const watch = new SocketWatcher(server!.baseUrl, trainer.token, { subscription: { exercise: true } });
    const live = new SocketWatcher(server!.baseUrl, trainer.token);
    await Promise.all([watch.connected(), live.connected()]);

    // Straight, as fast as the machine goes.
    const straight = await start('max');
    expect(straight).toMatchObject({ speed: 'max', endsAt: null, paused: false, run: 0 });
    const done = await until(straight.id, (e) => e.status === 'finished');
    expect(done).toMatchObject({ signalsApplied: 3, drillTime: recording.to });
    const expected = await incidentsOf(straight.runPrefix);
    expect(expected).toEqual(['bin-fire bin-fire:ward-p10', 'camera-tampered camera-tampered:ward-p10']);

    // Steered: ×1, the fire 1 s in.
    const steered = await start(1);
    await until(steered.id, (e) => e.signalsApplied >= 1);
    const paused = await control(steered.id, 'pause');
    expect(paused).toMatchObject({ status: 200, body: { paused: true, endsAt: null } });
    await new Promise((r) => setTimeout(r, 700));
    expect((await exercise(steered.id)).drillTime).toBe(paused.body.drillTime);
    expect(await control(steered.id, 'speed', { speed: 20 })).toMatchObject({
      status: 200,
      body: { speed: 20, paused: true },
    });
    expect(await control(steered.id, 'speed', { speed: 1 })).toMatchObject({ status: 200, body: { speed: 1 } });
    expect(await control(steered.id, 'resume')).toMatchObject({ status: 200, body: { paused: false } });
    // Forward past the hotter fire and the tampering: applied, not pushed as live.
    expect(await control(steered.id, 'seek', { to: iso(12_000) })).toMatchObject({ status: 200, body: { run: 0 } });
    await until(steered.id, (e) => e.signalsApplied === 3);
    // (The skipped decisions reach the sockets flagged quiet: test/exercise-injects.e2e-spec.ts checks the flag.)
    expect(await incidentsOf(steered.runPrefix)).toEqual(expected);

    // Backward, to 3 s: a new run from the start (quiet up to 3 s); the earlier run's incidents are resolved.
    const back = await control(steered.id, 'seek', { to: iso(3_000) });
    expect(back).toMatchObject({ status: 200, body: { run: 1, signalsApplied: 0, replayedTo: null } });
    expect(back.body.runPrefix).toBe(`${steered.keyPrefix}r1/`);
    expect(await control(steered.id, 'speed', { speed: 20 })).toMatchObject({ status: 200 });
    const ended = await until(steered.id, (e) => e.status === 'finished');
    expect(ended).toMatchObject({ run: 1, signalsApplied: 3 });
    await watch.waitFor((w) => story(w.events, ended.runPrefix).filter((s) => s.startsWith('resolved')).length === 2);
    expect(await incidentsOf(ended.runPrefix)).toEqual(expected);
    expect(story(watch.events, ended.runPrefix).filter((x) => x.startsWith('resolved'))).toEqual([
      'resolved bin-fire:ward-p10 resolved (the exercise ended)',
      'resolved camera-tampered:ward-p10 resolved (the exercise ended)',
    ]);
    const run0 = story(watch.events, steered.keyPrefix).filter((s) => !s.includes(' r1/'));
    expect(run0.filter((s) => s.startsWith('resolved'))).toEqual([
      'resolved bin-fire:ward-p10 resolved (the exercise was rewound)',
      'resolved camera-tampered:ward-p10 resolved (the exercise was rewound)',
    ]);
    expect(watch.duplicates).toBe(0);
    expect(live.events.filter((m) => m.incident.exercise)).toEqual([]);

    // Refusals: roles, bad speeds, a seek outside the window, steering an exercise that ended.
    expect((await operator.post(`/api/v1/exercises/${steered.id}/pause`)).status).toBe(403);
    expect((await operator.post(`/api/v1/exercises/${steered.id}/seek`, { to: iso(1_000) })).status).toBe(403);
    for (const speed of [0, 3601, 'fast', 1.5])
      expect((await control(steered.id, 'speed', { speed })).status).toBe(400);
    const running = await start(1);
    expect(await control(running.id, 'seek', { to: iso(18_000) })).toMatchObject({
      status: 400,
      body: { code: 'EXERCISE_SEEK_INVALID' },
    });
    expect((await control(running.id, 'seek', { to: 'yesterday' })).status).toBe(400);
    expect((await control(running.id, 'stop')).status).toBe(200);
    expect(await control(steered.id, 'pause')).toMatchObject({ status: 409, body: { code: 'EXERCISE_NOT_RUNNING' } });
    expect(await control('00000000-0000-4000-8000-000000000000', 'resume')).toMatchObject({
      status: 404,
      body: { code: 'EXERCISE_NOT_FOUND' },
    });
    watch.close();
    live.close();
  });

  it('runs several exercises at once, each under its own prefix, up to the limit', async () => {
    const watch = new SocketWatcher(server!.baseUrl, trainer.token, { subscription: { exercise: true } });
    const live = new SocketWatcher(server!.baseUrl, trainer.token);
    await Promise.all([watch.connected(), live.connected()]);
    const a = await start(10);
    const b = await start(10);
    const slow = await start(1);
    // Three run (the default limit): a fourth is refused.
    expect(
      (await trainer.get<ExerciseDto[]>('/api/v1/exercises')).body.filter((e) => e.status === 'running').length,
    ).toBe(3);
    expect(await trainer.post('/api/v1/exercises', { recordingId: recording.id })).toMatchObject({
      status: 409,
      body: { code: 'EXERCISE_ACTIVE' },
    });
    // Pausing one leaves the others going.
    expect((await control(slow.id, 'pause')).body.paused).toBe(true);
    const [doneA, doneB] = await Promise.all([
      until(a.id, (e) => e.status === 'finished'),
      until(b.id, (e) => e.status === 'finished'),
    ]);
    expect([doneA.signalsApplied, doneB.signalsApplied]).toEqual([3, 3]);
    await watch.waitFor(
      (w) =>
        story(w.events, a.keyPrefix).filter((s) => s.startsWith('resolved')).length === 2 &&
        story(w.events, b.keyPrefix).filter((s) => s.startsWith('resolved')).length === 2,
    );
    expect(story(watch.events, a.keyPrefix)).toEqual(story(watch.events, b.keyPrefix));
    expect(story(watch.events, a.keyPrefix)).toHaveLength(5);
    expect(await incidentsOf(a.keyPrefix)).toEqual(await incidentsOf(b.keyPrefix));
    // The paused one applied nothing meanwhile, and nothing of any exercise reached the live feed.
    expect(await exercise(slow.id)).toMatchObject({ status: 'running', paused: true });
    expect(live.events.filter((m) => m.incident.exercise || m.incident.key.startsWith('exercise-'))).toEqual([]);
    expect((await control(slow.id, 'stop')).status).toBe(200);
    watch.close();
    live.close();
  });
});
