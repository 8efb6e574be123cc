import type { MqttClient } from 'mqtt';
import {
  deviceTopic,
  type ApiUser,
  type ExerciseDto,
  type ExerciseInjectDto,
  type ExerciseScoreboardDto,
  type ExerciseTraineeDto,
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

/** The IOC's clock runs 20× real time, so SOP deadlines of minutes pass in seconds (5 min = 15 s). */
const SPEED = 20;
const ANCHOR = new Date().toISOString();
const clockEnv = { IOC_CLOCK_START: ANCHOR, IOC_CLOCK_SPEED: String(SPEED), IOC_CLOCK_ANCHOR: ANCHOR };
/** The real time at which the IOC's clock reads `clockMs`. */
const realAt = (clockMs: number) => Date.parse(ANCHOR) + (clockMs - Date.parse(ANCHOR)) / SPEED;
const sleepUntil = (realMs: number) => new Promise((r) => setTimeout(r, Math.max(0, realMs - Date.now())));

interface Incident {
  id: string;
  key: string;
  type: string;
  openedAt: number;
  exercise: boolean;
}
/** An incident event as the REST API returns it. */
interface StoredIncidentEventDto {
  seq: number;
  incidentId: string;
  type: string;
  actor: string;
}
interface CommandResult {
  events: StoredIncidentEventDto[];
}

/**
 * Trainees and scoring (issue 19), whole system: two exercises of one recording run at once, each with its trainee;
 * a scripted trainee acknowledges and works a bin fire's SOP after known delays and gets exactly the score the rules
 * (seeds/scoring.yaml) give; the other trainee never sees the first exercise's incidents (REST and socket) and is
 * refused acting on them; a trainee sees their own score only once the exercise has ended.
 */
describe('exercise trainees and scoring end to end', () => {
  let stack: TestStack;
  let server: ServerHandle | undefined;
  let publisher: MqttClient;
  let trainer: ApiClient;
  let lan: ApiClient;
  let minh: ApiClient;
  let lanId: string;
  let minhId: string;
  let recording: RecordingDto;
  let longRecording: RecordingDto;
  // 200 s of history: the first 89 s hold the readings; the whole window gives a false detection room to raise.
  const base = Date.now() - 200_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  beforeAll(async () => {
    stack = await startTestStack('exercise-scoring');
    server = await startServer({
      ...stack.env,
      ...clockEnv,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      CORRELATION_TICK_MS: '100',
    });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-exercise-scoring-${process.pid}` });
    // A bin catches fire 1 s in (major) and burns hotter 6 s in (critical); a camera is tampered with 11 s in.
    const readings: Array<[string, string, Record<string, unknown>]> = [
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        's-fire-1',
        { ts: iso(1_000), fillPct: 50, temperatureC: 95, tiltDeg: 1 },
      ],
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        's-fire-2',
        { ts: iso(6_000), fillPct: 50, temperatureC: 135, tiltDeg: 1 },
      ],
      [
        deviceTopic('camera-health', 'cam-thd-005'),
        's-tamper-1',
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
    const long = await trainer.post<RecordingDto>('/api/v1/recordings', {
      name: 'Cháy, dài',
      from: iso(0),
      to: iso(190_000),
    });
    expect(long.status).toBe(201);
    longRecording = long.body;
    lan = await apiClient(server.baseUrl, 'operator1');
    minh = await apiClient(server.baseUrl, 'operator2');
    // 89 s of drill: 4.5 s of real time at the clock's 20×.
    const res = await trainer.post<RecordingDto>('/api/v1/recordings', { name: 'Cháy', from: iso(0), to: iso(89_000) });
    expect(res.status).toBe(201);
    recording = res.body;
    const candidates = (await trainer.get<ApiUser[]>('/api/v1/exercises/trainee-candidates')).body;
    lanId = candidates.find((u) => u.username === 'operator1')!.userId;
    minhId = candidates.find((u) => u.username === 'operator2')!.userId;
    expect(candidates.every((u) => u.role === 'operator')).toBe(true);
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
      everyMs: 50,
      context: () => `logs:\n${server?.logs().slice(-4000)}`,
    });
  const incidentsSeenBy = async (who: ApiClient) =>
    (await who.get<{ items: Incident[] }>('/api/v1/incidents?exercise=true&limit=100')).body.items;
  const act = async (who: ApiClient, incidentId: string, what: string, body: unknown = {}) => {
    const res = await who.post<CommandResult & { code?: string }>(`/api/v1/incidents/${incidentId}/${what}`, body);
    expect(res).toMatchObject({ status: 200 });
    return res.body.events;
  };

  it('scores a scripted trainee exactly, and keeps a second exercise and its trainee apart', async () => {
    const start = async () => {
      const res = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 1 });
      expect(res.status).toBe(201);
      return res.body;
    };
    const a = await start();
    const b = await start();
    // Lan trains in A (team ca-1), Minh in B (ca-2).
    const putA = await trainer.put<ExerciseTraineeDto[]>(`/api/v1/exercises/${a.id}/trainees`, {
      trainees: [{ userId: lanId, team: 'ca-1' }],
    });
    expect(putA).toMatchObject({ status: 200, body: [{ userId: lanId, username: 'operator1', team: 'ca-1' }] });
    expect(
      (await trainer.put(`/api/v1/exercises/${b.id}/trainees`, { trainees: [{ userId: minhId, team: 'ca-2' }] }))
        .status,
    ).toBe(200);
    // Refusals: an unknown user, a trainee setting a group, a malformed body.
    expect(
      await trainer.put(`/api/v1/exercises/${a.id}/trainees`, {
        trainees: [{ userId: '00000000-0000-4000-8000-000000000000' }],
      }),
    ).toMatchObject({ status: 400, body: { code: 'EXERCISE_TRAINEE_INVALID' } });
    expect((await lan.put(`/api/v1/exercises/${a.id}/trainees`, { trainees: [] })).status).toBe(403);
    expect((await trainer.put(`/api/v1/exercises/${a.id}/trainees`, { trainees: [{ userId: 'x' }] })).status).toBe(400);

    const lanWatch = new SocketWatcher(server!.baseUrl, lan.token, { subscription: { exercise: true } });
    const minhWatch = new SocketWatcher(server!.baseUrl, minh.token, { subscription: { exercise: true } });
    await Promise.all([lanWatch.connected(), minhWatch.connected()]);

    // A is paused once its three decisions are in (the drill stands still; the IOC's clock, and deadlines, go on).
    await until(a.id, (e) => e.signalsApplied >= 3, 20_000);
    expect((await trainer.post(`/api/v1/exercises/${a.id}/pause`)).status).toBe(200);
    const mine = await incidentsSeenBy(lan);
    expect(mine.map((i) => i.key.slice(a.keyPrefix.length)).sort()).toEqual([
      'bin-fire:ward-p10',
      'camera-tampered:ward-p10',
    ]);
    expect(mine.every((i) => i.key.startsWith(a.keyPrefix))).toBe(true);
    const fire = mine.find((i) => i.type === 'bin-fire')!;

    // Lan, at once: acknowledges (deadline 3 min = 9 s), confirms, assigns the field team.
    const acked = await act(lan, fire.id, 'acknowledge');
    const confirmed = await act(lan, fire.id, 'sop-steps/confirm/complete');
    const assigned = await act(lan, fire.id, 'assign', { assignee: 'field-team' });
    expect(Date.now()).toBeLessThan(realAt(fire.openedAt + 3 * 60_000) - 2_000);

    // Minh sees B's incidents, never A's, and may not touch them.
    await until(b.id, (e) => e.status === 'finished');
    const his = await incidentsSeenBy(minh);
    expect(his.length).toBe(2);
    expect(his.every((i) => i.key.startsWith(b.keyPrefix))).toBe(true);
    expect(await minh.get(`/api/v1/incidents/${fire.id}`)).toMatchObject({
      status: 403,
      body: { code: 'EXERCISE_NOT_ASSIGNED' },
    });
    expect(await minh.post(`/api/v1/incidents/${fire.id}/comment`, { text: 'của tôi?' })).toMatchObject({
      status: 403,
      body: { code: 'EXERCISE_NOT_ASSIGNED' },
    });
    expect(await minh.get(`/api/v1/exercises/${a.id}`)).toMatchObject({
      status: 403,
      body: { code: 'EXERCISE_NOT_ASSIGNED' },
    });
    expect((await minh.get<ExerciseDto[]>('/api/v1/exercises')).body.map((e) => e.id)).toEqual([b.id]);
    expect((await minh.get(`/api/v1/exercises/${b.id}/trainees`)).body).toMatchObject([{ userId: minhId }]);
    const minhEvents = await minh.get<{ events: StoredIncidentEventDto[] }>(
      '/api/v1/incident-events?afterSeq=0&limit=5000',
    );
    expect(minhEvents.body.events.some((e) => mine.some((i) => i.id === e.incidentId))).toBe(false);
    expect(minhEvents.body.events.some((e) => his.some((i) => i.id === e.incidentId))).toBe(true);
    // The trainer sees both.
    expect((await incidentsSeenBy(trainer)).length).toBeGreaterThanOrEqual(4);

    // Lan, after the call-fire deadline (5 min = 15 s): a late step; then resolves the fire.
    expect((await lan.get(`/api/v1/exercises/${a.id}/scoreboard`)).body).toMatchObject({
      code: 'EXERCISE_SCORES_NOT_YET',
    });
    await sleepUntil(realAt(fire.openedAt + 5 * 60_000) + 1_500);
    const late = await act(lan, fire.id, 'sop-steps/call-fire/complete');
    await act(lan, fire.id, 'resolve', { note: 'đã dập tắt' });

    // The trainer's live scoreboard while A runs: provisional, Lan's lines so far.
    const live = (await trainer.get<ExerciseScoreboardDto>(`/api/v1/exercises/${a.id}/scoreboard`)).body;
    expect(live).toMatchObject({ provisional: true, rules: { id: 'scoring-default', version: 1 } });
    expect(live.trainees).toEqual([{ userId: lanId, displayName: 'Nguyễn Thị Lan', team: 'ca-1', points: 21 }]);

    // Stopped with the camera left open: its team pays.
    expect((await trainer.post(`/api/v1/exercises/${a.id}/stop`)).status).toBe(200);
    // Camera confirm is due at 15 min (45 s): not passed when A stopped.
    const camera = mine.find((i) => i.type === 'camera-tampered')!;
    expect(Date.now()).toBeLessThan(realAt(camera.openedAt + 15 * 60_000) - 5_000);
    const board = (await trainer.get<ExerciseScoreboardDto>(`/api/v1/exercises/${a.id}/scoreboard`)).body;
    expect(board.provisional).toBe(false);
    const seq = (events: StoredIncidentEventDto[], type: string) => events.find((e) => e.type === type)!.seq;
    expect(
      board.lines.map((l) => [
        l.criterion,
        l.points,
        l.userId,
        l.team,
        l.incidentId,
        l.source.kind === 'action' ? l.source.eventSeq : l.source.kind,
      ]),
    ).toEqual([
      ['acknowledge-time', 10, lanId, 'ca-1', fire.id, seq(acked, 'acknowledged')],
      ['sop-step', 5, lanId, 'ca-1', fire.id, seq(confirmed, 'sop-step-completed')],
      ['assignment', 5, lanId, 'ca-1', fire.id, seq(assigned, 'assigned')],
      ['sop-step', 1, lanId, 'ca-1', fire.id, seq(late, 'sop-step-completed')],
      ['left-open', -10, null, 'ca-1', camera.id, 'deadline'],
    ]);
    expect(board.trainees).toEqual([{ userId: lanId, displayName: 'Nguyễn Thị Lan', team: 'ca-1', points: 21 }]);
    expect(board.teams).toEqual([{ team: 'ca-1', points: 11, members: [lanId] }]);

    // Attribution: the incident's own audit trail names Lan for her actions.
    const detail = await trainer.get<{ timeline: StoredIncidentEventDto[] }>(`/api/v1/incidents/${fire.id}`);
    expect(detail.body.timeline.filter((e) => e.actor === lanId).map((e) => e.type)).toEqual([
      'acknowledged',
      'sop-step-completed',
      'assigned',
      'sop-step-completed',
      'resolved',
    ]);
    // The trainer's feed of actions, newest first.
    const actions = (
      await trainer.get<Array<{ type: string; actorName: string; team: string }>>(`/api/v1/exercises/${a.id}/actions`)
    ).body;
    expect(actions.map((x) => x.type)).toEqual([
      'resolved',
      'sop-step-completed',
      'assigned',
      'sop-step-completed',
      'acknowledged',
    ]);
    expect(actions.every((x) => x.actorName === 'Nguyễn Thị Lan' && x.team === 'ca-1')).toBe(true);

    // Trainees see their own score once the exercise ended: Lan her lines, Minh (B, nothing done) none of his team's.
    const lanBoard = (await lan.get<ExerciseScoreboardDto>(`/api/v1/exercises/${a.id}/scoreboard`)).body;
    expect(lanBoard.trainees).toEqual([expect.objectContaining({ userId: lanId, points: 21 })]);
    expect(lanBoard.lines).toHaveLength(4);
    expect(lanBoard.teams).toEqual([]);
    expect(await minh.get(`/api/v1/exercises/${a.id}/scoreboard`)).toMatchObject({
      status: 403,
      body: { code: 'EXERCISE_NOT_ASSIGNED' },
    });
    const bBoard = (await trainer.get<ExerciseScoreboardDto>(`/api/v1/exercises/${b.id}/scoreboard`)).body;
    expect(bBoard.teams).toEqual([{ team: 'ca-2', points: -20, members: [minhId] }]);
    expect(bBoard.lines.map((l) => [l.criterion, l.userId])).toEqual([
      ['left-open', null],
      ['left-open', null],
    ]);

    // Sockets: each trainee got their own exercise's incidents, never the other's.
    await lanWatch.waitFor((w) => w.events.some((m) => m.type === 'resolved'));
    expect(lanWatch.events.length).toBeGreaterThan(0);
    expect(lanWatch.events.every((m) => m.incident.key.startsWith(a.keyPrefix))).toBe(true);
    expect(minhWatch.events.length).toBeGreaterThan(0);
    expect(minhWatch.events.every((m) => m.incident.key.startsWith(b.keyPrefix))).toBe(true);
    lanWatch.close();
    minhWatch.close();
  });

  it("scores a false detection's hotspot resolved as a false alarm, traced to the inject", async () => {
    const res = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: longRecording.id, speed: 1 });
    expect(res.status).toBe(201);
    const c = res.body;
    expect(
      (await trainer.put(`/api/v1/exercises/${c.id}/trainees`, { trainees: [{ userId: lanId, team: 'ca-1' }] })).status,
    ).toBe(200);
    // Three illegal-dumping detections a minute apart from a camera that saw nothing: the hotspot rule's count.
    const injected = await trainer.post<ExerciseInjectDto>(`/api/v1/exercises/${c.id}/injects`, {
      kind: 'false-detection',
      deviceId: 'cam-thd-006',
      eventType: 'illegal_dumping',
      count: 3,
    });
    expect(injected.status).toBe(201);
    const hotspot = await pollUntil(
      async () =>
        (await incidentsSeenBy(lan)).find((i) => i.key.startsWith(c.keyPrefix) && i.type === 'illegal-dumping-hotspot'),
      (i) => !!i,
      { timeoutMs: 30_000, everyMs: 50, context: () => `logs:\n${server?.logs().slice(-4000)}` },
    );
    // The trainer holds the drill while Lan looks at the camera and dismisses it with the right reason.
    expect((await trainer.post(`/api/v1/exercises/${c.id}/pause`)).status).toBe(200);
    const resolved = await act(lan, hotspot!.id, 'resolve', { note: 'Báo động giả: camera nhận nhầm bóng cây' });
    const logged = (await trainer.get<ExerciseInjectDto[]>(`/api/v1/exercises/${c.id}/injects`)).body;
    expect(logged[0].incidentKeys).toContain(hotspot!.key);
    expect((await trainer.post(`/api/v1/exercises/${c.id}/stop`)).status).toBe(200);

    const board = (await trainer.get<ExerciseScoreboardDto>(`/api/v1/exercises/${c.id}/scoreboard`)).body;
    expect(board.lines.filter((l) => l.incidentId === hotspot!.id && l.criterion === 'false-alarm')).toEqual([
      expect.objectContaining({
        points: 10,
        userId: lanId,
        team: 'ca-1',
        source: expect.objectContaining({ kind: 'action', eventSeq: resolved.find((e) => e.type === 'resolved')!.seq }),
      }),
    ]);
  });
});
