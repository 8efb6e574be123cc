import { Module, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ACTIVE_USER_CACHE_MS, TokenService, UserService, type Principal, type UserRole } from '@ioc/auth';
import { IncidentService, IncidentsModule } from '@ioc/incidents';
import type { IncidentDomain, IncidentSignal, IncidentType, StoredIncidentEvent } from '@ioc/domain';
import { loadConfig, PlatformModule, type IocConfig } from '@ioc/platform';
import { IncidentEventStream, QueueModule } from '@ioc/queue';
import { StorageModule, UserRepository } from '@ioc/storage';
import {
  createPlainTestDatabase,
  deleteRedisPrefix,
  handshakeError,
  SeedsTestModule,
  SocketWatcher,
  testLogger,
  type PlainTestDatabase,
} from '@ioc/testing';
import { RealtimeModule } from './realtime.module';
import { RealtimeService } from './realtime.service';

jest.setTimeout(120_000);

/** What the api role runs for sockets (no HTTP controllers needed here). */
async function startApi(config: IocConfig): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      PlatformModule.forRoot(config, testLogger),
      StorageModule.forRoot(),
      QueueModule,
      SeedsTestModule,
      RealtimeModule,
    ],
  })
  class ApiUnderTest {}
  const app = await NestFactory.create(ApiUnderTest, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** A writer as the correlate role or an API process is: commits through IncidentService, then publishes. */
async function startWriter(config: IocConfig): Promise<INestApplicationContext> {
  @Module({
    imports: [
      PlatformModule.forRoot(config, testLogger),
      StorageModule.forRoot(),
      QueueModule,
      SeedsTestModule,
      IncidentsModule,
    ],
  })
  class Writer {}
  return NestFactory.createApplicationContext(Writer, { logger: false });
}

const TYPES: Record<IncidentDomain, IncidentType> = {
  flood: 'urban-flooding',
  waste: 'bin-overflow',
  traffic: 'illegal-parking',
  'cross-domain': 'zone-outage',
  'device-health': 'device-offline',
};

let n = 0;
const raise = (ward: string, domain: IncidentDomain, severity: 'minor' | 'major' = 'minor'): IncidentSignal => {
  const at = Date.now();
  const type = TYPES[domain];
  return {
    op: 'raise',
    key: `${type}:${ward}#${++n}`,
    type,
    ruleId: `test.${type}`,
    zone: { kind: 'ward', id: ward },
    severity,
    at,
    evidence: [
      { at, source: 'sensor', deviceId: `dev-${ward}`, msgId: `m-${n}`, kind: 'water-level', summary: `reading ${n}` },
    ],
    title: { vi: `Sự cố ${n}`, en: `Incident ${n}` },
  };
};

describe('real-time gateway (socket.io, PostgreSQL, Redis)', () => {
  let db: PlainTestDatabase;
  let config: IocConfig;
  let writer: INestApplicationContext;
  let incidents: IncidentService;
  let stream: IncidentEventStream;
  let tokens: TokenService;
  let api: { app: INestApplication; url: string };
  const watchers: SocketWatcher[] = [];
  const prefix = `ioc-rt-${process.pid}-${Date.now()}`;

  /** A token of a new user with this role, stored (the handshake checks the user as stored). */
  const user = async (role: UserRole): Promise<Principal> => {
    const username = `${role}-${++n}`;
    const stored = await api.app
      .get(UserRepository)
      .insert({ username, displayName: username, role, passwordHash: 'unused' });
    if (stored === 'taken') throw new Error(`user ${username} exists`);
    return { userId: stored.id, username, displayName: username, role };
  };
  const token = async (role: UserRole): Promise<string> => tokens.sign(await user(role));
  const watch = async (options: ConstructorParameters<typeof SocketWatcher>[2] = {}, url = api.url) => {
    const w = new SocketWatcher(url, await token('operator'), options);
    watchers.push(w);
    await w.connected();
    return w;
  };
  /** Commits one signal; publishes its events unless told not to (a publish lost after the commit). */
  const commit = async (signal: IncidentSignal, publish = true): Promise<StoredIncidentEvent[]> => {
    const change = await incidents.applySignal(signal);
    if (publish) await stream.publish(change.events);
    return [...change.events];
  };
  const allSeqs = async () => (await incidents.eventsSince(0, 100_000)).map((e) => e.seq);

  beforeAll(async () => {
    db = await createPlainTestDatabase();
    config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      IOC_ROLES: 'api',
      AUTH_JWT_SECRET: 'realtime-int-spec',
      LOG_LEVEL: 'silent',
      DATABASE_POOL_SIZE: '4',
    });
    writer = await startWriter(config);
    incidents = writer.get(IncidentService);
    stream = writer.get(IncidentEventStream);
    api = await startApi(config);
    tokens = api.app.get(TokenService);
  });

  afterEach(() => {
    for (const w of watchers.splice(0)) w.close();
  });

  afterAll(async () => {
    await api?.app.close();
    await writer?.close();
    await db?.drop();
    await deleteRedisPrefix(prefix);
  });

  it('refuses a handshake without a token, with a bad token and for a role that may not watch', async () => {
    expect(await handshakeError(api.url, {})).toEqual({
      message: expect.stringContaining('missing token'),
      code: 'AUTH_INVALID',
    });
    expect(await handshakeError(api.url, { token: 'not-a-jwt' })).toEqual({
      message: 'invalid token',
      code: 'AUTH_INVALID',
    });
    const forged = (await token('operator')).slice(0, -4) + 'AAAA';
    expect((await handshakeError(api.url, { token: forged }))?.code).toBe('AUTH_INVALID');
    expect(await handshakeError(api.url, { token: await token('integrator') })).toEqual({
      message: expect.stringContaining('role integrator may not watch'),
      code: 'AUTH_FORBIDDEN',
    });
    for (const role of ['operator', 'supervisor', 'trainer', 'admin'] as const)
      expect(await handshakeError(api.url, { token: await token(role) })).toBeUndefined();
    // A valid token whose user is not (or no longer) stored.
    const ghost = await tokens.sign({
      userId: '00000000-0000-4000-8000-00000000dead',
      username: 'ghost',
      displayName: 'ghost',
      role: 'operator',
    });
    expect(await handshakeError(api.url, { token: ghost })).toEqual({
      message: 'user no longer active',
      code: 'AUTH_INVALID',
    });
  });

  it('delivers live events by ward and domain room, each once, in seq order', async () => {
    const p3 = await watch({ subscription: { wards: ['ward-p3'] } });
    const p10 = await watch({ subscription: { wards: ['ward-p10'] } });
    const floodP3 = await watch({ subscription: { wards: ['ward-p3', 'ward-p4'], domains: ['flood'] } });
    const all = await watch();
    const committed: StoredIncidentEvent[] = [];
    for (const [ward, domain] of [
      ['ward-p3', 'flood'],
      ['ward-p10', 'flood'],
      ['ward-p3', 'waste'],
      ['ward-p10', 'traffic'],
      ['ward-p4', 'flood'],
    ] as const) {
      committed.push(...(await commit(raise(ward, domain))));
    }
    const seqsOf = (ward: string[], domains?: string[]) =>
      committed
        .filter(
          (e) =>
            e.type === 'opened' &&
            ward.includes(e.data.zone.id) &&
            (!domains || domains.includes(e.data.incidentType === 'urban-flooding' ? 'flood' : 'x')),
        )
        .map((e) => e.seq);
    await all.waitFor((w) => w.received === committed.length);
    expect(all.seqs()).toEqual(committed.map((e) => e.seq));
    await p3.waitFor((w) => w.received === 2);
    await p10.waitFor((w) => w.received === 2);
    await floodP3.waitFor((w) => w.received === 2);
    // Give any stray delivery time to arrive before asserting it did not.
    await new Promise((r) => setTimeout(r, 300));
    expect(p3.seqs()).toEqual(seqsOf(['ward-p3']));
    expect(p10.seqs()).toEqual(seqsOf(['ward-p10']));
    expect(floodP3.seqs()).toEqual(seqsOf(['ward-p3', 'ward-p4'], ['flood']));
    expect(p3.events.every((e) => e.incident.wards.includes('ward-p3') && e.incident.state === 'open')).toBe(true);
    expect(all.events[0].incident).toMatchObject({
      domain: 'flood',
      zone: { kind: 'ward', id: 'ward-p3' },
      wards: ['ward-p3'],
      exercise: false,
    });
    for (const w of [p3, p10, floodP3, all]) expect([w.duplicates, w.outOfOrder]).toEqual([0, 0]);
  });

  it('refuses an invalid subscription with the reason', async () => {
    const w = await watch();
    const ack = await w.socket.emitWithAck('subscribe', { wards: ['ward-p99'] });
    expect(ack).toEqual({ ok: false, code: 'REALTIME_INVALID_REQUEST', message: 'wards: unknown ward "ward-p99"' });
    const bad = await w.socket.emitWithAck('resume', { afterSeq: -1 });
    expect(bad).toMatchObject({ ok: false, code: 'REALTIME_INVALID_REQUEST' });
  });

  it('resumes after a network drop: events committed while disconnected (published or not) arrive once, in order, then live', async () => {
    const w = await watch({ reconnection: false, afterSeq: (await allSeqs()).at(-1) ?? 0 });
    await commit(raise('ward-p5', 'waste'));
    await w.waitFor((x) => x.received === 1);
    w.close();
    const whileAway: StoredIncidentEvent[] = [];
    for (let i = 0; i < 30; i++) whileAway.push(...(await commit(raise('ward-p5', 'flood'), i % 3 !== 0)));
    // Reconnect with the last seq while events keep committing, so catch-up and live tail overlap.
    const before = w.lastSeq!;
    const again = new SocketWatcher(api.url, await token('operator'), { afterSeq: before, reconnection: false });
    watchers.push(again);
    const during = (async () => {
      const out: StoredIncidentEvent[] = [];
      for (let i = 0; i < 20; i++) out.push(...(await commit(raise('ward-p6', 'traffic'))));
      return out;
    })();
    await again.connected();
    const live = await during;
    const expected = (await allSeqs()).filter((s) => s > before);
    expect(expected.length).toBe(whileAway.length + live.length);
    await again.waitFor((x) => x.received >= expected.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.seqs()).toEqual(expected);
    expect([again.duplicates, again.outOfOrder]).toEqual([0, 0]);
  });

  it('delivers in seq order when writers publish out of order, and finds events whose publish was lost', async () => {
    const w = await watch();
    const a = await commit(raise('ward-p7', 'flood'), false);
    const b = await commit(raise('ward-p7', 'flood'), false);
    await stream.publish(b); // b before a: the gap is read from the database
    await w.waitFor((x) => x.received === a.length + b.length);
    await stream.publish(a); // late: already delivered
    const lost = await commit(raise('ward-p7', 'waste'), false); // never published: the poll finds it
    await w.waitFor((x) => x.received === a.length + b.length + lost.length, 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.seqs()).toEqual([...a, ...b, ...lost].map((e) => e.seq));
    expect([w.duplicates, w.outOfOrder]).toEqual([0, 0]);
  });

  it('resumes across a server restart: nothing missed or repeated, through socket.io-client reconnection', async () => {
    const from = (await allSeqs()).at(-1) ?? 0;
    const w = await watch({ afterSeq: from, subscription: { wards: ['ward-p8', 'ward-p9'] } });
    await commit(raise('ward-p8', 'flood'));
    await w.waitFor((x) => x.received === 1);
    const port = new URL(api.url).port;
    await api.app.close();
    for (let i = 0; i < 10; i++) {
      await commit(raise('ward-p8', 'flood'));
      await commit(raise('ward-p1', 'flood')); // not subscribed
      await commit(raise('ward-p9', 'traffic'), false);
    }
    // Same port, as a restarted server: the client reconnects by itself and resumes from its last seq.
    @Module({
      imports: [
        PlatformModule.forRoot(config, testLogger),
        StorageModule.forRoot(),
        QueueModule,
        SeedsTestModule,
        RealtimeModule,
      ],
    })
    class Restarted {}
    const app = await NestFactory.create(Restarted, { logger: false });
    await app.listen(Number(port), '127.0.0.1');
    api = { app, url: api.url };
    await w.waitFor((x) => x.connects === 2 && x.acks.length === 2, 20_000);
    await commit(raise('ward-p9', 'flood'));
    const expected = (await incidents.eventsSince(from, 10_000))
      .filter((e) => e.type === 'opened' && ['ward-p8', 'ward-p9'].includes(e.data.zone.id))
      .map((e) => e.seq);
    await w.waitFor((x) => x.received >= expected.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(expected.length).toBe(1 + 20 + 1);
    expect(w.seqs()).toEqual(expected);
    expect([w.duplicates, w.outOfOrder]).toEqual([0, 0]);
  });

  it('asks a client too far behind to reload', async () => {
    const service = api.app.get(RealtimeService);
    expect(service).toBeDefined();
    const w = await watch({ reconnection: false });
    const ahead = await w.socket.emitWithAck('resume', { afterSeq: 10_000_000 });
    expect(ahead).toMatchObject({ ok: false, code: 'REALTIME_RESYNC_REQUIRED', headSeq: expect.any(Number) });
    await w.waitFor((x) => x.resyncs.length === 1);
    expect(w.resyncs[0].reason).toBe('ahead-of-server');
  });

  it('serves sockets from two API processes through the Redis adapter, each event once per socket', async () => {
    const second = await startApi(config);
    try {
      const one = await watch({});
      const two = await watch({}, second.url);
      const sizes = await Promise.all([
        api.app.get(RealtimeService).clusterConnections(),
        second.app.get(RealtimeService).clusterConnections(),
      ]);
      expect(sizes[0]).toBe(sizes[1]);
      expect(sizes[0]).toBeGreaterThanOrEqual(2);
      const committed: StoredIncidentEvent[] = [];
      for (let i = 0; i < 10; i++) committed.push(...(await commit(raise('ward-p2', 'waste'))));
      for (const w of [one, two]) await w.waitFor((x) => x.received === committed.length);
      await new Promise((r) => setTimeout(r, 300));
      for (const w of [one, two]) {
        expect(w.seqs()).toEqual(committed.map((e) => e.seq));
        expect(w.duplicates).toBe(0);
      }
    } finally {
      await second.app.close();
    }
  });

  it("closes a disabled user's sockets in every API process, and refuses the user's token from then on", async () => {
    const second = await startApi(config);
    try {
      const admin = await user('admin');
      const op = await user('operator');
      const opToken = await tokens.sign(op);
      const sockets = [
        new SocketWatcher(api.url, opToken, { reconnection: false }),
        new SocketWatcher(second.url, opToken, { reconnection: false }),
      ];
      watchers.push(...sockets);
      await Promise.all(sockets.map((w) => w.connected()));
      const bystander = await watch({}, second.url);

      // Disabled through the first process (as the users API does); the second process's socket closes as well.
      await api.app.get(UserService).update(admin, op.userId, { disabled: true });
      api.app.get(RealtimeService).disconnectUser(op.userId);
      const closed = (w: SocketWatcher) =>
        new Promise<void>((resolve) =>
          w.socket.disconnected ? resolve() : w.socket.once('disconnect', () => resolve()),
        );
      await Promise.all(sockets.map(closed));
      expect(bystander.socket.connected).toBe(true);
      expect(await handshakeError(api.url, { token: opToken })).toEqual({
        message: 'user no longer active',
        code: 'AUTH_INVALID',
      });
    } finally {
      await second.app.close();
    }
  });

  it('closes an open socket whose user was disabled where no socket server runs (the users CLI), at its next check', async () => {
    const op = await user('operator');
    const w = new SocketWatcher(api.url, await tokens.sign(op), { reconnection: false });
    watchers.push(w);
    await w.connected();
    // Straight in the table, as the CLI or an API process without this one's cache would: no disconnect is sent.
    expect(await api.app.get(UserRepository).update(op.userId, { disabled: true })).toMatchObject({ disabled: true });
    // The cached view of the user expires, then the next check closes the socket: two periods; four are allowed.
    await new Promise<void>((resolve, reject) => {
      const late = setTimeout(
        () => reject(new Error('the socket of the disabled user is still open')),
        4 * ACTIVE_USER_CACHE_MS,
      );
      w.socket.once('disconnect', () => {
        clearTimeout(late);
        resolve();
      });
    });
    expect(w.socket.connected).toBe(false);
  });

  it('closes an open socket the moment its token expires, and refuses the token from then on', async () => {
    const op = await user('operator');
    // Expiry is in whole seconds: a 2 s token expires 1 to 2 s from now.
    const shortLived = await tokens.sign(op, 2);
    const { expiresAtS } = await tokens.verify(shortLived);
    const w = new SocketWatcher(api.url, shortLived, { reconnection: false });
    watchers.push(w);
    await w.connected();
    await new Promise<void>((resolve, reject) => {
      const late = setTimeout(() => reject(new Error('the socket of the expired token is still open')), 5_000);
      w.socket.once('disconnect', () => {
        clearTimeout(late);
        resolve();
      });
    });
    // Closed by its own timer, not the periodic check (every ACTIVE_USER_CACHE_MS): within moments of the expiry.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAtS * 1000);
    expect(Date.now()).toBeLessThan(expiresAtS * 1000 + 1_000);
    expect(await handshakeError(api.url, { token: shortLived })).toEqual({
      message: 'token expired',
      code: 'AUTH_INVALID',
    });
  });
});
