import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { validateXML } from 'xmllint-wasm';
import { SYSTEM_ACTOR, type Evidence, type IncidentSignal } from '@ioc/domain';
import { CLOCK, IOC_CONFIG, isIocError, loadConfig, type Clock } from '@ioc/platform';
import { DATABASE, IncidentRepository, MIGRATIONS_DIR, migrate, openDatabase, type Database } from '@ioc/storage';
import {
  createPlainTestDatabase,
  openEmbeddedTestDatabase,
  projectRoot,
  SeedsTestModule,
  testLogger,
  type PlainTestDatabase,
} from '@ioc/testing';
import { CapExportService } from './cap/cap-export.service';
import { IncidentService } from './incident.service';
import { IncidentsModule } from './incidents.module';
import { loadSopCatalog } from './sop/sop.catalog';

jest.setTimeout(120_000);

const MIN = 60_000;
const T0 = Date.UTC(2026, 9, 20, 4, 0, 0);
const POLICY = { reopenWindowMs: 30 * MIN, autoCloseAfterMs: 24 * 60 * MIN };

class ManualClock implements Clock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  nowMs = () => this.t;
}

const sops = loadSopCatalog();
let keys = 0;
const newKey = (prefix = 'urban-flooding:catch-trung-tam-bac') => `${prefix}#${++keys}`;

const evidence = (at: number, msgId: string, value = 30): Evidence => ({
  at,
  source: 'sensor',
  deviceId: 'wl-p2-001',
  msgId,
  kind: 'water-level',
  summary: `wl-p2-001 level ${value} cm ≥ 20 cm`,
  value,
  unit: 'cm',
});

const raise = (
  key: string,
  at: number,
  over: Partial<Extract<IncidentSignal, { op: 'raise' }>> = {},
): IncidentSignal => ({
  op: 'raise',
  key,
  type: 'urban-flooding',
  ruleId: 'flood.urban-flooding',
  zone: { kind: 'catchment', id: 'catch-trung-tam-bac' },
  severity: 'moderate',
  at,
  evidence: [evidence(at, `m-${at}`)],
  title: { vi: 'Ngập lưu vực Trung tâm bắc', en: 'Flooding in Trung tâm bắc' },
  ...over,
});

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await p.then(
    () => {
      throw new Error(`expected ${code}`);
    },
    (e: unknown) => {
      expect(isIocError(e)).toBe(true);
      expect((e as { code?: string }).code).toBe(code);
    },
  );
}

const PATHS = ['postgres', 'timescaledb-embedded'] as const;

describe.each(PATHS)('incidents on %s', (storagePath) => {
  let db: Database;
  let plain: PlainTestDatabase | undefined;
  let clock: ManualClock;
  let service: IncidentService;
  let repo: IncidentRepository;

  beforeAll(async () => {
    if (storagePath === 'postgres') {
      plain = await createPlainTestDatabase();
      db = await openDatabase({ url: plain.url, poolSize: 10, timescaledb: 'auto' }, testLogger);
    } else {
      db = await openEmbeddedTestDatabase();
    }
    clock = new ManualClock(T0);
    repo = new IncidentRepository(db);
    service = new IncidentService(repo, sops, clock, POLICY, testLogger);
  });

  afterAll(async () => {
    await db?.close();
    await plain?.drop();
  });

  it('persists every lifecycle action with actor, time and payload (audit trail with comments)', async () => {
    const key = newKey();
    clock.t = T0 + 30_000;
    const opened = await service.applySignal(raise(key, T0));
    expect(opened.events.map((e) => e.type)).toEqual(['opened']);
    const id = opened.incidents[0].id;
    expect(opened.incidents[0]).toMatchObject({ state: 'open', lastSeq: opened.events[0].seq });

    clock.t = T0 + 1 * MIN;
    await service.acknowledge(id, 'op-lan');
    clock.t = T0 + 2 * MIN;
    await service.comment(id, 'Camera cam-hv-012 thấy nước đọng', 'op-lan');
    clock.t = T0 + 3 * MIN;
    await service.completeSopStep(id, 'confirm', 'op-lan', 'camera');
    clock.t = T0 + 4 * MIN;
    await service.assign(id, 'team-drain-1', 'sup-minh');
    clock.t = T0 + 5 * MIN;
    await service.escalate(id, 1);
    expect((await service.escalate(id, 1)).events).toEqual([]);
    clock.t = T0 + 6 * MIN;
    const upd = await service.applySignal({
      op: 'update',
      key,
      at: T0 + 6 * MIN,
      severity: 'critical',
      evidence: [evidence(T0 + 6 * MIN, 'm-up', 55)],
    });
    expect(upd.events.map((e) => e.type)).toEqual(['evidence-added', 'severity-raised']);
    clock.t = T0 + 50 * MIN;
    await service.resolve(id, 'team-drain-1', 'drains cleared');
    clock.t = T0 + 55 * MIN;
    const closed = await service.close(id, 'sup-minh');
    expect(closed.incidents[0]).toMatchObject({ state: 'closed', closedBy: 'sup-minh' });

    const detail = await service.get(id);
    expect(detail.incident).toMatchObject({
      id,
      key,
      type: 'urban-flooding',
      zone: { kind: 'catchment', id: 'catch-trung-tam-bac' },
      state: 'closed',
      severity: 'critical',
      exercise: false,
      openedAt: T0,
      acknowledgedAt: T0 + MIN,
      acknowledgedBy: 'op-lan',
      assignee: 'team-drain-1',
      assignedAt: T0 + 4 * MIN,
      resolvedAt: T0 + 50 * MIN,
      resolvedBy: 'team-drain-1',
      resolution: 'drains cleared',
      closedAt: T0 + 55 * MIN,
      escalationLevel: 1,
      evidenceCount: 2,
      sop: { id: 'sop-urban-flooding', version: 1 },
      sopDone: [{ stepId: 'confirm', at: T0 + 3 * MIN, by: 'op-lan', note: 'camera' }],
      version: 10,
      lastSeq: closed.events[0].seq,
    });
    expect(detail.timeline.map((e) => [e.type, e.actor, e.at, e.version])).toEqual([
      ['opened', SYSTEM_ACTOR, T0, 1],
      ['acknowledged', 'op-lan', T0 + MIN, 2],
      ['commented', 'op-lan', T0 + 2 * MIN, 3],
      ['sop-step-completed', 'op-lan', T0 + 3 * MIN, 4],
      ['assigned', 'sup-minh', T0 + 4 * MIN, 5],
      ['escalated', SYSTEM_ACTOR, T0 + 5 * MIN, 6],
      ['evidence-added', SYSTEM_ACTOR, T0 + 6 * MIN, 7],
      ['severity-raised', SYSTEM_ACTOR, T0 + 6 * MIN, 8],
      ['resolved', 'team-drain-1', T0 + 50 * MIN, 9],
      ['closed', 'sup-minh', T0 + 55 * MIN, 10],
    ]);
    expect(detail.timeline[2].data).toEqual({ text: 'Camera cam-hv-012 thấy nước đọng' });
    expect(detail.timeline[0].data).toMatchObject({
      key,
      sop: { id: 'sop-urban-flooding' },
      evidence: [{ msgId: `m-${T0}` }],
    });
    const seqs = detail.timeline.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // the same events through "since seq"
    const since = await service.eventsSince(seqs[0] - 1, 100);
    expect(since.filter((e) => e.incidentId === id).map((e) => e.seq)).toEqual(seqs);
    expect(await service.eventsSince(seqs[seqs.length - 1], 100)).toEqual([]);
  });

  it("keeps last_seq at the incident's latest event, and locks several incidents in one statement", async () => {
    clock.t = T0 + 30_000;
    const a = (await service.applySignal(raise(newKey(), T0))).incidents[0];
    const b = (await service.applySignal(raise(newKey(), T0))).incidents[0];
    const acked = await service.acknowledge(a.id, 'op-lan');
    const stored = (await repo.findById(a.id))!;
    expect(stored.lastSeq).toBe(Math.max(...(await repo.timeline(a.id)).map((e) => e.seq)));
    expect(stored.lastSeq).toBe(acked.events.at(-1)!.seq);
    const locked = await repo.transaction((tx) =>
      tx.lockByIds([b.id, a.id, a.id, '00000000-0000-4000-8000-000000000000']),
    );
    expect([...locked.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(locked.get(a.id)).toMatchObject({ state: 'acknowledged', lastSeq: stored.lastSeq });
  });

  it('exports the stored timeline as a valid CAP 1.2 chain, and wires up as a Nest module', async () => {
    @Global()
    @Module({
      providers: [
        { provide: DATABASE, useValue: db },
        { provide: CLOCK, useValue: clock },
        { provide: IOC_CONFIG, useValue: loadConfig({}) },
      ],
      exports: [DATABASE, CLOCK, IOC_CONFIG],
    })
    class Infra {}
    const moduleRef = await Test.createTestingModule({ imports: [Infra, SeedsTestModule, IncidentsModule] }).compile();
    const cap = moduleRef.get(CapExportService);
    const wired = moduleRef.get(IncidentService);
    const key = newKey();
    const { incidents } = await wired.applySignal(
      raise(key, T0, { title: { vi: 'Ngập < 1 m & đang lên', en: 'Flooding < 1 m & rising' } }),
    );
    clock.t = T0 + 20 * MIN;
    await wired.resolve(incidents[0].id, 'op-lan', 'water gone');
    const messages = await cap.messages(incidents[0].id);
    expect(messages.map((m) => m.msgType)).toEqual(['Alert', 'Cancel']);
    expect(messages[1].references).toEqual([`${messages[0].sender},${messages[0].identifier},${messages[0].sent}`]);
    const xsd = readFileSync(path.join(projectRoot(), 'docs/cap/CAP-v1.2.xsd'), 'utf8');
    for (const m of messages) {
      const r = await validateXML({
        xml: [{ fileName: 'a.xml', contents: m.xml }],
        schema: [{ fileName: 'CAP-v1.2.xsd', contents: xsd }],
      });
      expect(r.errors).toEqual([]);
    }
    expect(messages[0].xml).toContain('<headline>Ngập &lt; 1 m &amp; đang lên</headline>');
    await expectCode(cap.latest('00000000-0000-4000-8000-000000000000'), 'INCIDENT_NOT_FOUND');
    await moduleRef.close();
  });

  it('rejects invalid transitions and unknown incidents with codes, and writes nothing for them', async () => {
    const key = newKey();
    const { incidents } = await service.applySignal(raise(key, T0));
    const id = incidents[0].id;
    await expectCode(service.close(id, 'op'), 'INCIDENT_INVALID_TRANSITION');
    await expectCode(service.reopen(id, 'op'), 'INCIDENT_INVALID_TRANSITION');
    await expectCode(service.completeSopStep(id, 'no-such-step', 'op'), 'SOP_STEP_UNKNOWN');
    await expectCode(service.acknowledge('00000000-0000-4000-8000-000000000000', 'op'), 'INCIDENT_NOT_FOUND');
    await expectCode(service.get('00000000-0000-4000-8000-000000000000'), 'INCIDENT_NOT_FOUND');
    expect((await service.get(id)).timeline.map((e) => e.type)).toEqual(['opened']);
  });

  it('engine clear auto-resolves; a raise within the reopen window reopens; later, a new incident supersedes', async () => {
    const key = newKey();
    const first = await service.applySignal(raise(key, T0));
    const id = first.incidents[0].id;
    const cleared = await service.applySignal({
      op: 'clear',
      key,
      at: T0 + 10 * MIN,
      reason: 'below 15 cm for 10 min',
    });
    expect(cleared.events).toMatchObject([{ type: 'resolved', actor: SYSTEM_ACTOR, incidentId: id }]);
    expect((await service.applySignal({ op: 'clear', key, at: T0 + 11 * MIN, reason: 'again' })).events).toEqual([]);

    const again = await service.applySignal(
      raise(key, T0 + 30 * MIN, { evidence: [evidence(T0 + 30 * MIN, 'm-again')] }),
    );
    expect(again.events.map((e) => [e.type, e.incidentId])).toEqual([
      ['reopened', id],
      ['evidence-added', id],
    ]);
    await service.applySignal({ op: 'clear', key, at: T0 + 40 * MIN, reason: 'below' });
    const later = await service.applySignal(
      raise(key, T0 + 80 * MIN, { evidence: [evidence(T0 + 80 * MIN, 'm-later')] }),
    );
    expect(later.events.map((e) => e.type)).toEqual(['closed', 'opened']);
    const successor = later.incidents.find((i) => i.id !== id)!;
    expect((await repo.findById(id))!.state).toBe('closed');
    expect((await repo.findActiveByKey(key))!.id).toBe(successor.id);
  });

  it('an engine signal on a key this process wrote is one statement: the version it remembers is the stored one', async () => {
    const key = newKey();
    const first = await service.applySignal(raise(key, T0));
    const reads = jest.spyOn(repo, 'findActiveByKey');
    const transactions = jest.spyOn(repo, 'transaction');
    const saves = jest.spyOn(repo, 'saveIfUnchanged');
    try {
      const update = await service.applySignal({
        op: 'update',
        key,
        at: T0 + MIN,
        severity: 'critical',
        evidence: [evidence(T0 + MIN, 'm-known')],
      });
      expect(update.events.map((e) => e.type)).toEqual(['evidence-added', 'severity-raised']);
      expect([reads.mock.calls.length, transactions.mock.calls.length, saves.mock.calls.length]).toEqual([0, 0, 1]);
      // Acknowledged through another service (another process): the remembered version is stale, the write refused,
      // and the locking transaction adds the evidence to the acknowledged incident.
      await new IncidentService(repo, sops, clock, POLICY).acknowledge(first.incidents[0].id, 'operator2');
      const later = await service.applySignal({
        op: 'update',
        key,
        at: T0 + 2 * MIN,
        evidence: [evidence(T0 + 2 * MIN, 'm-stale')],
      });
      expect(later.events.map((e) => e.type)).toEqual(['evidence-added']);
      expect(transactions.mock.calls.length).toBe(2);
      expect(await repo.findById(first.incidents[0].id)).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'operator2',
        evidenceCount: 3,
      });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('auto-closes resolved incidents after the period, once', async () => {
    const key = newKey();
    const { incidents } = await service.applySignal(raise(key, T0));
    clock.t = T0 + MIN;
    await service.resolve(incidents[0].id, 'op');
    clock.t = T0 + MIN + POLICY.autoCloseAfterMs - 1;
    expect((await service.closeExpired()).events.filter((e) => e.incidentId === incidents[0].id)).toEqual([]);
    clock.t = T0 + MIN + POLICY.autoCloseAfterMs;
    const closed = await service.closeExpired();
    expect(closed.events.filter((e) => e.incidentId === incidents[0].id)).toMatchObject([
      { type: 'closed', actor: SYSTEM_ACTOR, data: { reason: 'auto-close' } },
    ]);
    expect((await service.closeExpired()).events.filter((e) => e.incidentId === incidents[0].id)).toEqual([]);
  });

  it('keeps exercises apart: same key, separate incidents, filtered out of the live list', async () => {
    const key = newKey('crowd-over-capacity:site-festival-bank-north');
    const signal = raise(key, T0, {
      type: 'crowd-over-capacity',
      ruleId: 'traffic.crowd',
      zone: { kind: 'site', id: 'site-festival-bank-north' },
      severity: 'major',
    });
    const live = await service.applySignal(signal);
    const ex = await service.applySignal(signal, { exercise: true });
    expect(live.incidents[0].id).not.toBe(ex.incidents[0].id);
    expect(ex.incidents[0].exercise).toBe(true);
    const liveList = await service.list({ zoneKind: 'site', zoneId: 'site-festival-bank-north', limit: 10 });
    expect(liveList.map((i) => i.id)).toEqual([live.incidents[0].id]);
    const exList = await service.list({ zoneId: 'site-festival-bank-north', exercise: true, limit: 10 });
    expect(exList.map((i) => i.id)).toEqual([ex.incidents[0].id]);
  });

  it('lists with filters (state, severity, domain, type, zone, time range) and keyset paging', async () => {
    const base = T0 + 100 * 24 * 60 * MIN; // a day range of its own
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { incidents } = await service.applySignal(
        raise(newKey(`bin-overflow:bin-p8-${i}`), base + i * MIN, {
          type: 'bin-overflow',
          ruleId: 'waste.bin-overflow',
          zone: { kind: 'ward', id: 'ward-p8' },
          severity: i % 2 === 0 ? 'minor' : 'major',
        }),
      );
      made.push(incidents[0].id);
    }
    clock.t = base + 10 * MIN;
    await service.acknowledge(made[1], 'op');
    const range = { from: base, to: base + 5 * MIN };
    expect((await service.list({ ...range, limit: 50 })).map((i) => i.id)).toEqual([...made].reverse());
    expect((await service.list({ ...range, severities: ['major'], limit: 50 })).map((i) => i.id)).toEqual([
      made[3],
      made[1],
    ]);
    expect((await service.list({ ...range, states: ['acknowledged'], limit: 50 })).map((i) => i.id)).toEqual([made[1]]);
    expect((await service.list({ ...range, domains: ['waste'], limit: 50 })).length).toBe(5);
    expect((await service.list({ ...range, domains: ['flood'], limit: 50 })).length).toBe(0);
    expect(
      (await service.list({ ...range, types: ['bin-overflow'], zoneKind: 'ward', zoneId: 'ward-p8', limit: 50 }))
        .length,
    ).toBe(5);
    expect((await service.list({ from: base + 2 * MIN, to: base + 4 * MIN, limit: 50 })).map((i) => i.id)).toEqual([
      made[3],
      made[2],
    ]);
    const page1 = await service.list({ ...range, limit: 2 });
    const last = page1[page1.length - 1];
    const page2 = await service.list({ ...range, limit: 2, before: { openedAt: last.openedAt, id: last.id } });
    expect([...page1, ...page2].map((i) => i.id)).toEqual([made[4], made[3], made[2], made[1]]);
  });

  it('stores a large evidence batch in bounded events and keeps the latest evidence on the incident', async () => {
    const key = newKey('zone-outage:ward-p3');
    const many = Array.from({ length: 180 }, (_, i) => ({
      ...evidence(T0 + i, `silent-${i}`),
      summary: `device wl-p3-${String(i).padStart(3, '0')} silent for 15 min (last seen ${T0})`,
    }));
    const out = await service.applySignal(
      raise(key, T0, {
        type: 'zone-outage',
        ruleId: 'x.zone-outage',
        zone: { kind: 'ward', id: 'ward-p3' },
        evidence: many,
      }),
    );
    expect(out.events.map((e) => e.type)).toEqual(['opened', 'evidence-added', 'evidence-added', 'evidence-added']);
    const stored = await repo.findById(out.incidents[0].id);
    expect(stored).toMatchObject({ evidenceCount: 180 });
    expect(stored!.evidence.map((e) => e.msgId)).toEqual(many.slice(130).map((e) => e.msgId));
  });

  it('50 parallel raises of one key through several pool connections give exactly one incident', async () => {
    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        service.applySignal(raise(key, T0, { evidence: [evidence(T0 + i, `p-${i}`)] })),
      ),
    );
    const openedCount = results.filter((r) => r.events.some((e) => e.type === 'opened')).length;
    expect(openedCount).toBe(1);
    const ids = new Set(results.flatMap((r) => r.incidents.map((i) => i.id)));
    expect(ids.size).toBe(1);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM incident WHERE dedup_key = $1`, [key]);
    expect(rows[0].n).toBe(1);
    const incident = (await repo.findActiveByKey(key))!;
    expect(incident.evidenceCount).toBe(50);
    const timeline = await repo.timeline(incident.id);
    expect(timeline.map((e) => e.type).sort()).toEqual(['opened', ...Array(49).fill('evidence-added')].sort());
    expect(timeline.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('seq increases in commit order: a reader polling "since seq" while writers race never skips an event', async () => {
    const seen: number[] = [];
    let cursor = (await service.eventsSince(0, 1_000_000)).reduce((m, e) => Math.max(m, e.seq), 0);
    let writing = true;
    const reader = (async () => {
      for (;;) {
        // Known before the query starts: an empty answer to a query begun after the writers finished means all is read.
        const writersDone = !writing;
        const batch = await service.eventsSince(cursor, 1000);
        for (const e of batch) seen.push(e.seq);
        if (batch.length > 0) cursor = batch[batch.length - 1].seq;
        else if (writersDone) break;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const keysHere = Array.from({ length: 6 }, () => newKey('congestion:road-hung-vuong'));
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        service.applySignal(
          raise(keysHere[i % 6], T0, {
            type: 'congestion',
            ruleId: 'traffic.congestion',
            evidence: [evidence(T0 + i, `c-${i}`)],
          }),
        ),
      ),
    );
    writing = false;
    await reader;
    const { rows } = await db.pool.query(
      `SELECT e.seq::int AS seq FROM incident_event e JOIN incident i ON i.id = e.incident_id WHERE i.dedup_key = ANY($1) ORDER BY e.seq`,
      [keysHere],
    );
    expect(seen).toEqual(rows.map((r) => r.seq));
  });

  it('migrates down and up again', async () => {
    const all = readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const count = all.length - all.indexOf('20261121000600000_incidents.sql');
    const down = await migrate(db, 'down', count, testLogger);
    expect(down[down.length - 1]).toBe('20261121000600000_incidents');
    const { rows } = await db.pool.query(
      `SELECT to_regclass('incident')::text AS t, to_regclass('incident_event')::text AS e`,
    );
    expect(rows[0]).toEqual({ t: null, e: null });
    expect(await migrate(db, 'up', undefined, testLogger)).toEqual([...down].reverse());
    expect(await repo.eventsSince(0, 10)).toEqual([]);
  });

  if (storagePath === 'postgres') {
    it('two processes and a second pool raising one key at once give exactly one incident', async () => {
      const key = newKey();
      const other = await openDatabase(
        { url: plain!.url, poolSize: 8, timescaledb: 'auto', migrate: false },
        testLogger,
      );
      const otherService = new IncidentService(new IncidentRepository(other), sops, clock, POLICY);
      const root = projectRoot();
      const children: ChildProcessWithoutNullStreams[] = ['a', 'b'].map((tag) =>
        spawn(
          process.execPath,
          [
            '-r',
            path.join(root, 'test/support/swc-register.js'),
            path.join(root, 'test/fixtures/incident-raiser.ts'),
            plain!.url,
            key,
            '25',
            tag,
          ],
          {
            cwd: root,
          },
        ),
      );
      const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
      const stderr = children.map((c) => {
        let s = '';
        c.stderr.on('data', (d) => (s += d));
        return () => s;
      });
      try {
        for (const [i, it] of lines.entries()) {
          const first = await it.next();
          if (first.value !== 'ready') throw new Error(`child ${i} did not start: ${stderr[i]()}`);
        }
        for (const c of children) c.stdin.write('go\n');
        const local = await Promise.all([
          ...Array.from({ length: 25 }, (_, i) =>
            service.applySignal(raise(key, T0, { evidence: [evidence(T0, `local-${i}`)] })),
          ),
          ...Array.from({ length: 25 }, (_, i) =>
            otherService.applySignal(raise(key, T0, { evidence: [evidence(T0, `other-${i}`)] })),
          ),
        ]);
        const childResults = await Promise.all(
          lines.map(
            async (it) => JSON.parse((await it.next()).value as string) as { opened: number; failed: string[] },
          ),
        );
        for (const r of childResults) expect(r.failed).toEqual([]);
        const opened =
          local.filter((r) => r.events.some((e) => e.type === 'opened')).length +
          childResults.reduce((n, r) => n + r.opened, 0);
        expect(opened).toBe(1);
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM incident WHERE dedup_key = $1`, [key]);
        expect(rows[0].n).toBe(1);
        expect((await repo.findActiveByKey(key))!.evidenceCount).toBe(100);
      } finally {
        for (const c of children) c.kill();
        await other.close();
      }
    });
  }
});
