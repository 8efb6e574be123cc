import type { MqttClient } from 'mqtt';
import IORedis from 'ioredis';
import { deviceTopic } from '@ioc/contracts';
import {
  apiClient,
  pollUntil,
  startServer,
  startTestStack,
  type ApiClient,
  type ServerHandle,
  type TestStack,
} from '@ioc/testing';

interface Incident {
  id: string;
  type: string;
  state: string;
  severity: string;
  assignee?: string;
  acknowledgedBy?: string;
  evidence: Array<{ source: string; kind: string; deviceId?: string; ref?: string }>;
}
interface IncidentEvent {
  seq: number;
  incidentId: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}
interface ApiError {
  statusCode: number;
  code: string;
  message: string;
  details?: { issues?: Array<{ path: string; message: string }> };
}

/**
 * The REST API through the running server: login and tokens, 401/403 by role, every incident command with its audit
 * trail and its push on the incident-event stream, coded 4xx for bad input, field reports becoming incident evidence,
 * devices, KPIs and the OpenAPI document.
 */
describe('REST API end to end', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let publisher: MqttClient;
  let redis: IORedis;
  let operator: ApiClient;
  let supervisor: ApiClient;
  let integrator: ApiClient;
  let trainer: ApiClient;
  let incidentId: string;
  const binId = 'bin-p10-0041';

  beforeAll(async () => {
    stack = await startTestStack('api');
    server = await startServer({
      ...stack.env,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      INGEST_CONNECTIONS: '4',
      CORRELATION_ALLOWED_LATENESS_MS: '300',
      CORRELATION_TICK_MS: '50',
      DEVICE_ACTIVITY_FLUSH_S: '1',
      MAINTENANCE_INTERVAL_S: '5',
    });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-api-${process.pid}` });
    redis = new IORedis('redis://127.0.0.1:6379');
    [operator, supervisor, integrator, trainer] = await Promise.all(
      ['operator1', 'supervisor1', 'integrator1', 'trainer1'].map((u) => apiClient(server.baseUrl, u)),
    );
  });

  afterAll(async () => {
    await publisher?.endAsync();
    redis?.disconnect();
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
  });

  const waitFor = <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs?: number) =>
    pollUntil(read, ok, { timeoutMs, everyMs: 50, context: () => `server logs:\n${server.logs().slice(-4000)}` });

  const streamed = async (): Promise<IncidentEvent[]> => {
    const entries = await redis.xrange(`${stack.prefix}:stream:incident-events`, '-', '+');
    return entries.flatMap(([, f]) => JSON.parse(f[f.indexOf('events') + 1]) as IncidentEvent[]);
  };

  it('serves the OpenAPI document and health without a token', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/incidents',
      '/api/v1/incidents/{id}/acknowledge',
      '/api/v1/devices/{id}/series',
      '/api/v1/kpis',
      '/api/v1/field-reports',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/password',
      '/api/v1/auth/password',
      '/api/v1/recordings',
      '/api/v1/recordings/{id}',
      '/api/v1/exercises',
      '/api/v1/exercises/{id}',
      '/api/v1/exercises/{id}/stop',
    ]) {
      expect(doc.paths).toHaveProperty([p]);
    }
    expect((await fetch(`${server.baseUrl}/api/docs`)).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
  });

  it('logs in with a demo user and refuses bad credentials with AUTH_INVALID', async () => {
    const post = (body: unknown) =>
      fetch(`${server.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ username: 'operator1', password: 'ioc-demo-2025' });
    expect(ok.status).toBe(200);
    const session = (await ok.json()) as { token: string; expiresInS: number; user: Record<string, unknown> };
    expect(session.expiresInS).toBe(12 * 3600);
    expect(session.user).toMatchObject({ username: 'operator1', role: 'operator', displayName: 'Nguyễn Thị Lan' });
    for (const bad of [
      { username: 'operator1', password: 'wrong' },
      { username: 'nobody', password: 'ioc-demo-2025' },
    ]) {
      const res = await post(bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'AUTH_INVALID', message: 'invalid username or password' });
    }
    const invalid = await post({ username: 'operator1' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ApiError).code).toBe('REQUEST_INVALID');
    expect((await operator.get('/api/v1/auth/me')).body).toMatchObject({ username: 'operator1', role: 'operator' });
  });

  it('answers 401 without a valid token and 403 for a role the route does not allow', async () => {
    const none = await fetch(`${server.baseUrl}/api/v1/incidents`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as ApiError).code).toBe('AUTH_INVALID');
    const forged = await fetch(`${server.baseUrl}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${operator.token.slice(0, -3)}abc` },
    });
    expect(forged.status).toBe(401);

    const integratorOnIncidents = await integrator.get<ApiError>('/api/v1/incidents');
    expect(integratorOnIncidents.status).toBe(403);
    expect(integratorOnIncidents.body.code).toBe('AUTH_FORBIDDEN');
    expect((await operator.get<ApiError>('/api/v1/quarantine')).status).toBe(403);
    expect((await integrator.get('/api/v1/quarantine')).status).toBe(200);
    expect((await integrator.get('/api/v1/devices')).status).toBe(200);
    expect((await trainer.get('/api/v1/incidents')).status).toBe(200);
    expect(
      (await trainer.post<ApiError>('/api/v1/field-reports', { lat: 9.6, lon: 105.97, category: 'waste', text: 'x' }))
        .body.code,
    ).toBe('AUTH_FORBIDDEN');
  });

  it('lets an admin manage users: create, change role, disable at once, set passwords; never the last admin', async () => {
    const admin = await apiClient(server.baseUrl, 'admin1');
    type User = { userId: string; username: string; role: string; disabled: boolean };

    // Create: bad input is named, a taken username is a conflict, and only an admin may.
    const bad = await admin.post<ApiError>('/api/v1/users', {
      username: 'Bad Name',
      displayName: '',
      role: 'root',
      password: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST_INVALID');
    for (const field of ['username', 'displayName', 'role', 'password']) expect(bad.body.message).toContain(field);
    expect(
      (
        await supervisor.post<ApiError>('/api/v1/users', {
          username: 'x1',
          displayName: 'X',
          role: 'operator',
          password: 'long-enough-1',
        })
      ).status,
    ).toBe(403);
    const made = await admin.post<User>('/api/v1/users', {
      username: 'hoa.tran',
      displayName: 'Trần Thị Hoa',
      role: 'operator',
      password: 'ca-trực-đêm-1',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ username: 'hoa.tran', role: 'operator', disabled: false });
    expect(
      (
        await admin.post<ApiError>('/api/v1/users', {
          username: 'hoa.tran',
          displayName: 'Other',
          role: 'admin',
          password: 'long-enough-1',
        })
      ).body.code,
    ).toBe('USER_EXISTS');
    expect((await supervisor.get<User[]>('/api/v1/users')).body.map((u) => u.username)).toContain('hoa.tran');

    // The new user works; a role change applies to the token she already holds.
    const hoa = await apiClient(server.baseUrl, 'hoa.tran', 'ca-trực-đêm-1');
    expect((await hoa.get('/api/v1/incidents')).status).toBe(200);
    expect((await admin.patch<User>(`/api/v1/users/${made.body.userId}`, { role: 'integrator' })).body.role).toBe(
      'integrator',
    );
    expect((await hoa.get<ApiError>('/api/v1/incidents')).status).toBe(403);
    expect((await hoa.get('/api/v1/quarantine')).status).toBe(200);

    // Her own password: the current one is required.
    expect(
      (await hoa.post<ApiError>('/api/v1/auth/password', { currentPassword: 'wrong', newPassword: 'mật-khẩu-mới-2' }))
        .body.code,
    ).toBe('USER_PASSWORD_INCORRECT');
    expect(
      (await hoa.post('/api/v1/auth/password', { currentPassword: 'ca-trực-đêm-1', newPassword: 'mật-khẩu-mới-2' }))
        .status,
    ).toBe(204);
    await expect(apiClient(server.baseUrl, 'hoa.tran', 'ca-trực-đêm-1')).rejects.toThrow(/401/);

    // Disabled: her token is refused at once, and so is a login; enabled again, an admin sets her password.
    expect((await admin.patch<User>(`/api/v1/users/${made.body.userId}`, { disabled: true })).body.disabled).toBe(true);
    expect((await hoa.get<ApiError>('/api/v1/auth/me')).status).toBe(401);
    expect((await hoa.get<ApiError>('/api/v1/quarantine')).body.code).toBe('AUTH_INVALID');
    await expect(apiClient(server.baseUrl, 'hoa.tran', 'mật-khẩu-mới-2')).rejects.toThrow(/401/);
    await admin.patch(`/api/v1/users/${made.body.userId}`, { disabled: false });
    const signedInBefore = await apiClient(server.baseUrl, 'hoa.tran', 'mật-khẩu-mới-2');
    expect((await signedInBefore.get('/api/v1/auth/me')).status).toBe(200);
    // A new password voids the tokens issued before it (a token's issue time counts in whole seconds).
    await new Promise((r) => setTimeout(r, 1_100));
    expect(
      (await admin.post(`/api/v1/users/${made.body.userId}/password`, { password: 'đặt-lại-bởi-admin' })).status,
    ).toBe(200);
    const stale = await signedInBefore.get<ApiError>('/api/v1/auth/me');
    expect(stale.status).toBe(401);
    expect(stale.body.message).toContain('sign in again');
    const fresh = await apiClient(server.baseUrl, 'hoa.tran', 'đặt-lại-bởi-admin');
    expect((await fresh.get('/api/v1/auth/me')).status).toBe(200);

    // Never the last active admin; unknown users and empty changes are named.
    const admins = (await admin.get<User[]>('/api/v1/users')).body.filter((u) => u.role === 'admin' && !u.disabled);
    expect(admins).toHaveLength(1);
    const last = await admin.patch<ApiError>(`/api/v1/users/${admins[0].userId}`, { disabled: true });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('USER_LAST_ADMIN');
    expect(
      (await admin.patch<ApiError>('/api/v1/users/00000000-0000-4000-8000-00000000abcd', { disabled: true })).status,
    ).toBe(404);
    expect((await admin.patch<ApiError>(`/api/v1/users/${made.body.userId}`, {})).body.message).toContain(
      'nothing to change',
    );
    expect((await admin.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('lists the incident a hot bin raised, with its detail, and refuses bad filters with a reason', async () => {
    await publisher.publishAsync(
      deviceTopic('bin-fill', binId),
      JSON.stringify({ msgId: 'api-hot-1', ts: new Date().toISOString(), fillPct: 60, temperatureC: 95, tiltDeg: 1 }),
      { qos: 1 },
    );
    const page = await waitFor(
      () =>
        operator.get<{ items: Incident[]; nextCursor: string | null }>(
          '/api/v1/incidents?type=bin-fire&state=open&ward=ward-p10',
        ),
      (r) => r.status === 200 && r.body.items.length === 1,
    );
    const incident = page.body.items[0];
    incidentId = incident.id;
    expect(incident).toMatchObject({ type: 'bin-fire', state: 'open', severity: 'major' });
    expect(incident.evidence[0]).toMatchObject({ deviceId: binId, source: 'sensor' });
    expect((await operator.get<{ items: Incident[] }>('/api/v1/incidents?domain=flood')).body.items).toEqual([]);

    const detail = await operator.get<{ incident: Incident; timeline: IncidentEvent[]; sop: Array<{ id: string }> }>(
      `/api/v1/incidents/${incidentId}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((e) => e.type)).toEqual(['opened']);
    expect(detail.body.sop.length).toBeGreaterThan(0);

    const bad = await operator.get<ApiError>('/api/v1/incidents?severity=huge&limit=9999&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST_INVALID');
    expect(bad.body.details?.issues?.map((i) => i.path).sort()).toEqual(['', 'limit', 'severity.0']);
    expect(bad.body.message).toContain('colour');
    expect((await operator.get<ApiError>('/api/v1/incidents/not-a-uuid')).body).toMatchObject({
      statusCode: 400,
      code: 'REQUEST_INVALID',
    });
    expect((await operator.get<ApiError>('/api/v1/incidents/8a3c7f64-1c1e-4d5e-9f00-000000000000')).body).toMatchObject(
      { statusCode: 404, code: 'INCIDENT_NOT_FOUND' },
    );
  });

  it('runs every operator command through HTTP, records who did it, and pushes each on the incident-event stream', async () => {
    const me = (await operator.get<{ userId: string }>('/api/v1/auth/me')).body.userId;
    const boss = (await supervisor.get<{ userId: string }>('/api/v1/auth/me')).body.userId;
    const path = (action: string) => `/api/v1/incidents/${incidentId}/${action}`;

    const ack = await operator.post<{ incident: Incident; events: IncidentEvent[] }>(path('acknowledge'));
    expect(ack.status).toBe(200);
    expect(ack.body.incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: me });
    expect(ack.body.events).toEqual([expect.objectContaining({ type: 'acknowledged', actor: me })]);
    const again = await operator.post<ApiError>(path('acknowledge'));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INCIDENT_INVALID_TRANSITION');

    expect((await trainer.post<ApiError>(path('comment'), { text: 'trainee note' })).status).toBe(403);
    const emptyComment = await operator.post<ApiError>(path('comment'), { text: '   ' });
    expect(emptyComment.status).toBe(400);
    expect(emptyComment.body.details?.issues?.[0].path).toBe('text');
    expect((await operator.post<ApiError>(path('assign'), {})).body.code).toBe('REQUEST_INVALID');

    expect((await operator.post(path('assign'), { assignee: 'waste-team' })).body).toMatchObject({
      incident: { state: 'assigned', assignee: 'waste-team' },
    });
    expect((await operator.post(path('comment'), { text: 'Đội thu gom đang tới' })).status).toBe(200);

    const detail = await operator.get<{ sop: Array<{ id: string; doneBy?: string }> }>(
      `/api/v1/incidents/${incidentId}`,
    );
    const step = detail.body.sop[0].id;
    expect(
      (await operator.post(`/api/v1/incidents/${incidentId}/sop-steps/${step}/complete`, { note: 'đã kiểm tra' }))
        .status,
    ).toBe(200);
    const unknownStep = await operator.post<ApiError>(
      `/api/v1/incidents/${incidentId}/sop-steps/no-such-step/complete`,
    );
    expect(unknownStep.status).toBe(404);
    expect(unknownStep.body.code).toBe('SOP_STEP_UNKNOWN');

    expect((await operator.post(path('resolve'), { note: 'đã dập lửa' })).body).toMatchObject({
      incident: { state: 'resolved' },
    });
    expect((await supervisor.post(path('reopen'), { reason: 'still smoking' })).body).toMatchObject({
      incident: { state: 'open' },
    });
    expect((await supervisor.post<ApiError>(path('close'))).status).toBe(409);
    expect((await supervisor.post(path('resolve'))).status).toBe(200);
    expect((await supervisor.post(path('close'))).body).toMatchObject({ incident: { state: 'closed' } });

    const after = await operator.get<{
      timeline: IncidentEvent[];
      sop: Array<{ id: string; doneBy?: string }>;
      actors: Record<string, { username: string }>;
    }>(`/api/v1/incidents/${incidentId}`);
    const audit = after.body.timeline.filter((e) => e.actor !== 'system').map((e) => [e.type, e.actor]);
    expect(audit).toEqual([
      ['acknowledged', me],
      ['assigned', me],
      ['commented', me],
      ['sop-step-completed', me],
      ['resolved', me],
      ['reopened', boss],
      ['resolved', boss],
      ['closed', boss],
    ]);
    expect(after.body.sop.find((s) => s.id === step)?.doneBy).toBe(me);
    expect(after.body.actors[me].username).toBe('operator1');
    expect(after.body.actors[boss].username).toBe('supervisor1');

    // Every committed event is on the stream the socket gateways read, and in the resume feed, in seq order.
    const onStream = await waitFor(streamed, (events) =>
      events.some((e) => e.type === 'closed' && e.incidentId === incidentId),
    );
    const mine = onStream.filter((e) => e.incidentId === incidentId);
    expect(mine.map((e) => e.seq)).toEqual(after.body.timeline.map((e) => e.seq));
    const feed = await operator.get<{ events: IncidentEvent[]; lastSeq: number }>(
      `/api/v1/incident-events?afterSeq=${after.body.timeline[0].seq}`,
    );
    expect(feed.body.events.filter((e) => e.incidentId === incidentId).map((e) => e.type)).toEqual(
      after.body.timeline.slice(1).map((e) => e.type),
    );
    expect((await operator.get<ApiError>('/api/v1/incident-events')).body.code).toBe('REQUEST_INVALID');

    const cap = await fetch(`${server.baseUrl}/api/v1/incidents/${incidentId}/cap`, {
      headers: { authorization: `Bearer ${integrator.token}` },
    });
    expect(cap.headers.get('content-type')).toContain('application/cap+xml');
    const xml = await cap.text();
    expect(xml).toContain('urn:oasis:names:tc:emergency:cap:1.2');
    expect(xml).toContain('<msgType>Cancel</msgType>');
  });

  it('takes field reports and hands them to the correlation engine as evidence', async () => {
    // Three dumping reports within 300 m of a market camera make an illegal-dumping hotspot (seeds/rules/waste.yaml).
    const bad = await operator.post<ApiError>('/api/v1/field-reports', {
      lat: 91,
      lon: 105.97,
      category: 'volcano',
      text: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.issues?.map((i) => i.path).sort()).toEqual(['category', 'lat', 'text']);
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await operator.post<{ id: string; wardId: string; channel: string }>('/api/v1/field-reports', {
        lat: 9.60386,
        lon: 105.97495,
        category: 'dumping',
        text: `Đổ rác trộm cạnh chợ (${i})`,
        photoRef: `photos/report-${i}.jpg`,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ wardId: 'ward-p1', channel: 'report-api' });
      ids.push(res.body.id);
    }
    const page = await waitFor(
      () => operator.get<{ items: Incident[] }>('/api/v1/incidents?type=illegal-dumping-hotspot'),
      (r) => r.body.items.length === 1,
    );
    expect(page.body.items[0].evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'report', kind: 'field-report', ref: 'photos/report-3.jpg' }),
      ]),
    );
    // Two incidents now: pages of one, newest first, linked by the cursor.
    const first = await operator.get<{ items: Incident[]; nextCursor: string }>('/api/v1/incidents?limit=1');
    expect(first.body.items.map((i) => i.type)).toEqual(['illegal-dumping-hotspot']);
    const second = await operator.get<{ items: Incident[]; nextCursor: string | null }>(
      `/api/v1/incidents?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((i) => i.id)).toEqual([incidentId]);
    const third = await operator.get<{ items: Incident[]; nextCursor: string | null }>(
      `/api/v1/incidents?limit=1&cursor=${second.body.nextCursor}`,
    );
    expect(third.body).toEqual({ items: [], nextCursor: null });

    const listed = await supervisor.get<Array<{ id: string }>>('/api/v1/field-reports?category=dumping');
    expect(listed.body.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect((await operator.get(`/api/v1/field-reports/${ids[0]}`)).status).toBe(200);
  });

  it('serves devices with status and last seen, their readings and rollup series', async () => {
    const bins = await waitFor(
      () =>
        integrator.get<Array<{ id: string; ward: string; online: boolean; lastSeenAt: string | null; status: string }>>(
          '/api/v1/devices?type=bin&ward=ward-p10',
        ),
      (r) => r.body.some((d) => d.id === binId && d.online),
    );
    expect(bins.body.every((d) => d.ward === 'ward-p10')).toBe(true);
    expect(bins.body.find((d) => d.id === binId)).toMatchObject({ status: 'active' });
    expect((await operator.get(`/api/v1/devices/${binId}`)).body).toMatchObject({
      id: binId,
      type: 'bin',
      domain: 'waste',
    });
    expect((await operator.get<ApiError>('/api/v1/devices/no-such-device')).body).toMatchObject({
      statusCode: 404,
      code: 'DEVICE_NOT_FOUND',
    });

    const readings = await operator.get<Array<{ kind: string; values: Record<string, number> }>>(
      `/api/v1/devices/${binId}/readings`,
    );
    expect(readings.body[0]).toMatchObject({ kind: 'bin-fill', values: { temperatureC: 95, fillPct: 60 } });

    // The jobs role refreshes the plain rollups every 5 s here.
    const series = await waitFor(
      () =>
        operator.get<{ points: Array<{ fillMax: number; temperatureMax: number }> }>(
          `/api/v1/devices/${binId}/series?rollup=bin_fill_1m`,
        ),
      (r) => r.status === 200 && r.body.points.length > 0,
      30_000,
    );
    expect(series.body.points[0]).toMatchObject({ fillMax: 60, temperatureMax: 95 });
    const badRollup = await operator.get<ApiError>(`/api/v1/devices/${binId}/series?rollup=lava_1m`);
    expect(badRollup.status).toBe(400);
    expect(badRollup.body.message).toContain('bin_fill_1m');
  });

  it('computes the KPI tiles', async () => {
    // The bin fire's acknowledgement was undone by its reopen; acknowledge the dumping hotspot for MTTA.
    const hotspot = (await operator.get<{ items: Incident[] }>('/api/v1/incidents?type=illegal-dumping-hotspot')).body
      .items[0];
    expect((await operator.post(`/api/v1/incidents/${hotspot.id}/acknowledge`)).status).toBe(200);
    const kpi = await supervisor.get<{
      activeIncidents: { total: number; byDomain: Record<string, number> };
      mtta: { acknowledged: number; ms: number };
      mttr: { resolved: number; ms: number };
      cameraUptime: { total: number };
      floodSensorsOverWarning: { total: number };
      binsEmptiedOnTime: { target: number };
    }>('/api/v1/kpis');
    expect(kpi.status).toBe(200);
    expect(kpi.body.activeIncidents.byDomain.waste).toBe(1); // the dumping hotspot; the bin fire is closed
    expect(kpi.body.mtta.acknowledged).toBe(1);
    expect(kpi.body.mtta.ms).toBeGreaterThanOrEqual(0);
    expect(kpi.body.mttr.resolved).toBe(1);
    expect(kpi.body.cameraUptime.total).toBe(120);
    expect(kpi.body.floodSensorsOverWarning.total).toBe(59);
    expect(kpi.body.binsEmptiedOnTime.target).toBe(0.995);
    expect((await integrator.get('/api/v1/kpis')).status).toBe(403);
    expect((await supervisor.get<ApiError>('/api/v1/kpis?from=yesterday')).body.code).toBe('REQUEST_INVALID');
  });
});
