import type { MqttClient } from 'mqtt';
import { type ExerciseDto, type FieldReportDto, type IncidentEventMessage, type RecordingDto } from '@ioc/contracts';
import {
  apiClient,
  pollUntil,
  SocketWatcher,
  startServer,
  startTestStack,
  type ApiClient,
  type ServerHandle,
  type TestStack,
  publishExerciseStory,
} from '@ioc/testing';

jest.setTimeout(180_000);

/**
 * Trainers' exercises, whole system: readings published over MQTT and stored are recorded, and the recording is
 * replayed through the correlation engine (jobs role) as exercise incidents, which reach sockets subscribed to
 * exercises and never the live feed; the same recording gives the same incidents every time; a stop resolves what the
 * exercise left active; a jobs process that stops in the middle is followed by another that goes on where it was,
 * applying nothing twice.
 */
describe('exercises end to end', () => {
  let stack: TestStack;
  let api: ServerHandle | undefined;
  let jobs: ServerHandle | undefined;
  let publisher: MqttClient;
  let trainer: ApiClient;
  /** Event time of the recorded readings: a minute ago, so the live engine has long closed that time (they are late for it). */
  const base = Date.now() - 90_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  const jobsEnv = () => ({ ...stack.env, IOC_ROLES: 'jobs', LOG_LEVEL: 'info' });

  beforeAll(async () => {
    stack = await startTestStack('exercises');
    // The api, ingest and correlate roles in one process, the jobs role (the exercise runner) in another.
    api = await startServer({
      ...stack.env,
      IOC_ROLES: 'api,ingest,correlate',
      CORRELATION_TICK_MS: '100',
      // One at a time here (the limit's refusal); several at once: test/exercise-control.e2e-spec.ts.
      EXERCISES_MAX_RUNNING: '1',
    });
    jobs = await startServer(jobsEnv());
    publisher = await stack.broker.connectTrusted({ clientId: `pub-exercise-${process.pid}` });
    await publishExerciseStory(publisher, base);
    await pollUntil(
      () => stack.stored(),
      (n) => n >= 3,
      { timeoutMs: 15_000 },
    );
    trainer = await apiClient(api.baseUrl, 'trainer1');
  });

  afterAll(async () => {
    await publisher?.endAsync();
    if (jobs) await jobs.stop();
    if (api) expect(await api.stop()).toBe(0);
    await stack?.close();
  });

  const record = async (name: string, fromMs: number, toMs: number) => {
    const res = await trainer.post<RecordingDto>('/api/v1/recordings', { name, from: iso(fromMs), to: iso(toMs) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const exercise = async (id: string) => (await trainer.get<ExerciseDto>(`/api/v1/exercises/${id}`)).body;
  const until = (id: string, ok: (e: ExerciseDto) => boolean, timeoutMs = 30_000) =>
    pollUntil(() => exercise(id), ok, {
      timeoutMs,
      everyMs: 100,
      context: () => `jobs logs:\n${jobs?.logs().slice(-4000)}`,
    });
  /** What an exercise's socket saw, without its key prefix: the same recording must give the same list. */
  const story = (events: readonly IncidentEventMessage[], prefix: string) =>
    events
      .filter((m) => m.incident.key.startsWith(prefix))
      .map(
        (m) =>
          `${m.type} ${m.incident.key.slice(prefix.length)} ${m.incident.severity} ${m.incident.state}${m.type === 'resolved' ? ` (${(m.data as { reason?: string }).reason})` : ''}`,
      );

  it('replays a recording as exercise incidents that only exercise sockets see, the same every time', async () => {
    const watchLive = new SocketWatcher(api!.baseUrl, trainer.token);
    const watchExercise = new SocketWatcher(api!.baseUrl, trainer.token, { subscription: { exercise: true } });
    await Promise.all([watchLive.connected(), watchExercise.connected()]);
    const recording = await record('Cháy thùng rác phường 10', 0, 20_000);
    expect(recording).toMatchObject({ messages: 3, createdByName: 'Phạm Thu Hà' });
    expect((await trainer.get<RecordingDto[]>('/api/v1/recordings')).body.map((r) => r.id)).toContain(recording.id);

    const stories: string[][] = [];
    for (let run = 0; run < 2; run++) {
      // 20 s of recording at ×10: 2 s.
      const started = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 10 });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        status: 'running',
        speed: 10,
        recordingName: 'Cháy thùng rác phường 10',
        startedByName: 'Phạm Thu Hà',
      });
      expect(started.body.keyPrefix).toMatch(/^exercise-[0-9a-f]{8}\/$/);
      const done = await until(started.body.id, (e) => e.status === 'finished');
      expect(done.replayedTo).toBe(recording.to);
      expect(done.signalsApplied).toBe(3);
      // Its end resolves what it left active (the fire and the tampering).
      await watchExercise.waitFor(
        (w) => story(w.events, done.keyPrefix).filter((s) => s.startsWith('resolved')).length === 2,
      );
      stories.push(story(watchExercise.events, done.keyPrefix));
    }
    expect(stories[0]).toEqual([
      'opened bin-fire:ward-p10 major open',
      'severity-raised bin-fire:ward-p10 critical open',
      'opened camera-tampered:ward-p10 moderate open',
      'resolved bin-fire:ward-p10 critical resolved (the exercise ended)',
      'resolved camera-tampered:ward-p10 moderate resolved (the exercise ended)',
    ]);
    expect(stories[1]).toEqual(stories[0]);
    expect(watchExercise.events.every((m) => m.incident.exercise)).toBe(true);
    expect(watchLive.events.filter((m) => m.incident.exercise || m.incident.key.startsWith('exercise-'))).toEqual([]);

    // The exercise's incidents are listed with exercise=true only; their times are the exercise's, not the recording's.
    const listed = (
      await trainer.get<{ items: Array<{ key: string; openedAt: number }> }>('/api/v1/incidents?exercise=true&limit=50')
    ).body.items;
    expect(listed.filter((i) => i.key.endsWith('/bin-fire:ward-p10'))).toHaveLength(2);
    expect(listed.every((i) => i.openedAt > base + 60_000)).toBe(true);
    const live = (await trainer.get<{ items: Array<{ key: string }> }>('/api/v1/incidents?limit=50')).body.items;
    expect(live.filter((i) => i.key.startsWith('exercise-'))).toEqual([]);
    watchLive.close();
    watchExercise.close();
  });

  it('replays the field reports of its window as evidence, as the live engine took them', async () => {
    // Three reports of dumping at a camera's corner (a hotspot at three within 300 m of one camera in 2 hours), and no
    // device message in the window: a recording of reports alone.
    const operator = await apiClient(api!.baseUrl, 'operator1');
    const reports: FieldReportDto[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await operator.post<FieldReportDto>('/api/v1/field-reports', {
        lat: 9.58768,
        lon: 105.97593,
        category: 'dumping',
        text: `Đổ trộm rác lần ${i}`,
        photoRef: `reports/dump-${i}.jpg`,
      });
      expect(res.status).toBe(201);
      reports.push(res.body);
    }
    const first = Date.parse(reports[0].reportedAt);
    const last = Date.parse(reports[2].reportedAt);
    const recording = (
      await trainer.post<RecordingDto>('/api/v1/recordings', {
        name: 'Đổ rác trộm',
        from: new Date(first - 1_000).toISOString(),
        to: new Date(last + 1_000).toISOString(),
      })
    ).body;
    expect(recording).toMatchObject({ messages: 0, reports: 3 });

    const watch = new SocketWatcher(api!.baseUrl, trainer.token, { subscription: { exercise: true } });
    await watch.connected();
    const started = (await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 10 }))
      .body;
    const done = await until(started.id, (e) => e.status === 'finished');
    await watch.waitFor((w) => story(w.events, done.keyPrefix).some((s) => s.startsWith('resolved')));
    expect(story(watch.events, done.keyPrefix)).toEqual([
      'opened illegal-dumping-hotspot:ward-p10 minor open',
      'resolved illegal-dumping-hotspot:ward-p10 minor resolved (the exercise ended)',
    ]);
    // Its evidence is the reports, on the exercise's clock.
    const opened = watch.events.find((m) => m.incident.key.startsWith(done.keyPrefix) && m.type === 'opened')!;
    watch.close();
    const { evidence } = (
      await trainer.get<{ incident: { evidence: Array<{ source: string; msgId: string; ref?: string; at: number }> } }>(
        `/api/v1/incidents/${opened.incident.id}`,
      )
    ).body.incident;
    expect(evidence.filter((e) => e.source === 'report').map((e) => e.msgId)).toEqual(
      expect.arrayContaining([reports[2].id]),
    );
    expect(evidence.find((e) => e.msgId === reports[2].id)?.ref).toBe('reports/dump-3.jpg');
    expect(evidence.every((e) => e.at >= Date.parse(done.startedAt))).toBe(true);
  });

  it('runs one exercise at a time; a stop resolves what it left active; bad requests are refused with a reason', async () => {
    const operator = await apiClient(api!.baseUrl, 'operator1');
    const recording = await record('Camera bị che', 10_000, 20_000);
    expect(recording.messages).toBe(1);
    // ×1: the tampering comes 1 s in, and the exercise would last 10 s.
    const started = (await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id })).body;
    expect(started.speed).toBe(1);
    // The operator trains in it: a trainee sees and works only the exercises they are assigned to.
    const candidates = (
      await trainer.get<Array<{ userId: string; username: string }>>('/api/v1/exercises/trainee-candidates')
    ).body;
    const userId = candidates.find((u) => u.username === 'operator1')!.userId;
    expect(
      (await trainer.put(`/api/v1/exercises/${started.id}/trainees`, { trainees: [{ userId, team: 'ca-1' }] })).status,
    ).toBe(200);
    const watch = new SocketWatcher(api!.baseUrl, operator.token, { subscription: { exercise: true } });
    await watch.connected();
    const again = await trainer.post<{ code: string }>('/api/v1/exercises', { recordingId: recording.id, speed: 5 });
    expect(again).toMatchObject({ status: 409, body: { code: 'EXERCISE_ACTIVE' } });
    expect((await operator.post<{ code: string }>(`/api/v1/exercises/${started.id}/stop`)).status).toBe(403);
    expect((await trainer.delete(`/api/v1/recordings/${recording.id}`)).body).toMatchObject({
      code: 'RECORDING_IN_USE',
    });

    const opened = await pollUntil(
      () =>
        trainer.get<{ items: Array<{ id: string; key: string; state: string }> }>(
          '/api/v1/incidents?exercise=true&limit=50',
        ),
      (r) => r.body.items.some((i) => i.key === `${started.keyPrefix}camera-tampered:ward-p10`),
      { timeoutMs: 15_000 },
    );
    const incident = opened.body.items.find((i) => i.key === `${started.keyPrefix}camera-tampered:ward-p10`)!;
    // A trainee works it like a live incident.
    expect((await operator.post(`/api/v1/incidents/${incident.id}/acknowledge`)).status).toBe(200);

    const stopped = await trainer.post<ExerciseDto>(`/api/v1/exercises/${started.id}/stop`);
    expect(stopped).toMatchObject({ status: 200, body: { status: 'stopped', endedByName: 'Phạm Thu Hà' } });
    await watch.waitFor((w) => w.events.some((m) => m.incident.id === incident.id && m.type === 'resolved'));
    expect(story(watch.events, started.keyPrefix)).toEqual([
      ...(watch.events.some((m) => m.incident.id === incident.id && m.type === 'opened')
        ? ['opened camera-tampered:ward-p10 moderate open']
        : []),
      'acknowledged camera-tampered:ward-p10 moderate acknowledged',
      'resolved camera-tampered:ward-p10 moderate resolved (the exercise ended)',
    ]);
    expect((await trainer.post<{ code: string }>(`/api/v1/exercises/${started.id}/stop`)).body).toMatchObject({
      code: 'EXERCISE_NOT_RUNNING',
    });
    // The runner sees the stop at its next step and applies nothing more.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await exercise(started.id)).toMatchObject({ status: 'stopped', signalsApplied: 1 });
    watch.close();

    // Refusals, each with its reason.
    expect(await operator.post('/api/v1/recordings', { name: 'x-ray', from: iso(0), to: iso(1000) })).toMatchObject({
      status: 403,
    });
    const bad = await trainer.post<{ code: string; message: string }>('/api/v1/exercises', {
      recordingId: recording.id,
      speed: 0,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('speed');
    expect(
      await trainer.post('/api/v1/exercises', { recordingId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ status: 404, body: { code: 'RECORDING_NOT_FOUND' } });
    const empty = await trainer.post<{ code: string; message: string }>('/api/v1/recordings', {
      name: 'Đêm yên tĩnh',
      from: iso(-3_600_000),
      to: iso(-1_800_000),
    });
    expect(empty).toMatchObject({ status: 400, body: { code: 'RECORDING_INVALID' } });
    expect(empty.body.message).toContain('nothing was stored');
    const backwards = await trainer.post<{ code: string }>('/api/v1/recordings', {
      name: 'Ngược',
      from: iso(1000),
      to: iso(0),
    });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('to must be after from');
    expect((await trainer.delete(`/api/v1/recordings/${recording.id}`)).status).toBe(204);
    expect((await trainer.get<ExerciseDto>(`/api/v1/exercises/${started.id}`)).body).toMatchObject({
      recordingId: null,
      recordingName: 'Camera bị che',
      status: 'stopped',
    });
  });

  it('goes on where it was when the jobs process stops in the middle, applying nothing twice', async () => {
    const recording = await record('Cháy và camera, chậm', 0, 14_000);
    const watch = new SocketWatcher(api!.baseUrl, trainer.token, { subscription: { exercise: true } });
    await watch.connected();
    // ×1: the fire 1 s in, hotter 6 s in, the tampering 11 s in, the end 14 s in.
    const started = (await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 1 }))
      .body;
    await until(started.id, (e) => e.signalsApplied === 1);
    // A graceful stop: the runner leaves the exercise running and its job delayed for the next worker.
    expect(await jobs!.stop()).toBe(0);
    const pausedAt = (await exercise(started.id)).signalsApplied;
    expect(pausedAt).toBeLessThan(3);
    jobs = await startServer(jobsEnv());
    const done = await until(started.id, (e) => e.status === 'finished', 60_000);
    expect(done.signalsApplied).toBe(3);
    expect(jobs.logs()).toContain('exercise taken up again');
    await watch.waitFor((w) => story(w.events, started.keyPrefix).filter((s) => s.startsWith('resolved')).length === 2);
    expect(story(watch.events, started.keyPrefix)).toEqual([
      'opened bin-fire:ward-p10 major open',
      'severity-raised bin-fire:ward-p10 critical open',
      'opened camera-tampered:ward-p10 moderate open',
      'resolved bin-fire:ward-p10 critical resolved (the exercise ended)',
      'resolved camera-tampered:ward-p10 moderate resolved (the exercise ended)',
    ]);
    expect(watch.duplicates).toBe(0);
    watch.close();
  });
});
