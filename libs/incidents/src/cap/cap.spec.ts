import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { create } from 'xmlbuilder2';
import { loadCity } from '@ioc/city';
import {
  evolve,
  type Evidence,
  type IncidentRecord,
  type IncidentSignal,
  type StoredIncidentEvent,
  type ZoneRef,
} from '@ioc/domain';
import { decide, foldByIncident, type IncidentCommand } from '../incident.decider';
import { loadSopCatalog } from '../sop/sop.catalog';
import { attachable } from '../sop/sop.schema';
import { CapExporter, capDateTime, type CapMessage } from './cap.exporter';
import { capPolygon, ZoneAreas } from './zone-areas';

const XSD = readFileSync(path.resolve(__dirname, '../../../../docs/cap/CAP-v1.2.xsd'), 'utf8');
const MIN = 60_000;
/** 2026-10-20 18:00:00 +07:00 */
const T0 = Date.UTC(2026, 9, 20, 11, 0, 0);
const policy = { reopenWindowMs: 30 * MIN, autoCloseAfterMs: 24 * 60 * MIN };

const sops = loadSopCatalog();
const city = loadCity();
const exporter = new CapExporter(sops, new ZoneAreas(city), { sender: 'ioc@soctrang.local' });

async function expectValid(xml: string): Promise<void> {
  const result = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: xml }],
    schema: [{ fileName: 'CAP-v1.2.xsd', contents: XSD }],
  });
  if (!result.valid) throw new Error(`invalid CAP:\n${result.rawOutput}\n${xml}`);
}

type Json = Record<string, unknown>;
/** The alert as a plain object (repeated elements become arrays; xmlbuilder2's object output re-escapes text, undone here). */
function parse(xml: string): Json {
  const unescape = (v: unknown): unknown =>
    typeof v === 'string'
      ? v
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, '&')
      : Array.isArray(v)
        ? v.map(unescape)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescape(x)]))
          : v;
  expect(xml).not.toMatch(/&amp;(lt|gt|amp);/);
  return unescape((create(xml).end({ format: 'object' }) as { alert: Json }).alert) as Json;
}
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** A stored timeline, as IncidentRepository.timeline returns it, from commands run through the decider. */
function timeline(steps: Array<[IncidentCommand, number]>): StoredIncidentEvent[] {
  let state: IncidentRecord | undefined;
  const out: StoredIncidentEvent[] = [];
  for (const [cmd, now] of steps) {
    const events = decide(cmd, state, { now, policy });
    for (const e of events) out.push({ ...e, seq: out.length + 100, version: out.length + 1 } as StoredIncidentEvent);
    if (events.length) state = [...foldByIncident(state, events).values()].pop();
  }
  return out;
}

const ev = (at: number, msgId: string, summary: string): Evidence => ({
  at,
  source: 'sensor',
  deviceId: 'wl-p1-003',
  msgId,
  kind: 'water-level',
  summary,
});

function raise(zone: ZoneRef, over: Partial<Extract<IncidentSignal, { op: 'raise' }>> = {}): IncidentSignal {
  return {
    op: 'raise',
    key: `urban-flooding:${zone.id}`,
    type: 'urban-flooding',
    ruleId: 'flood.urban-flooding',
    zone,
    severity: 'moderate',
    at: T0,
    evidence: [ev(T0, 'm1', 'wl-p1-003 mực nước 32 cm ≥ 20 cm')],
    title: { vi: 'Ngập úng lưu vực Trung tâm bắc', en: 'Urban flooding in Trung tâm bắc catchment' },
    ...over,
  };
}

const signal = (s: IncidentSignal, exercise = false): IncidentCommand => ({
  kind: 'apply-signal',
  signal: s,
  exercise,
  newIncidentId: '5d0c3f1e-8a4b-4c62-9e0f-1b2c3d4e5f60',
  ...(s.op === 'raise' && { sop: attachable(sops.require(s.type)) }),
});

const catchment: ZoneRef = { kind: 'catchment', id: 'catch-trung-tam-bac' };

describe('CAP 1.2 export', () => {
  let chain: CapMessage[];

  beforeAll(() => {
    chain = exporter.messages(
      timeline([
        [signal(raise(catchment)), T0],
        [{ kind: 'acknowledge', by: 'op-lan' }, T0 + MIN],
        [
          signal({
            op: 'update',
            key: 'urban-flooding:catch-trung-tam-bac',
            at: T0 + 5 * MIN,
            severity: 'critical',
            evidence: [ev(T0 + 5 * MIN, 'm2', 'wl-p1-003 mực nước 58 cm')],
          }),
          T0 + 5 * MIN,
        ],
        [
          signal({
            op: 'update',
            key: 'urban-flooding:catch-trung-tam-bac',
            at: T0 + 6 * MIN,
            evidence: [ev(T0 + 6 * MIN, 'm3', 'wl-p1-003 mực nước 60 cm')],
          }),
          T0 + 6 * MIN,
        ],
        [
          signal({
            op: 'clear',
            key: 'urban-flooding:catch-trung-tam-bac',
            at: T0 + 90 * MIN,
            reason: 'mực nước < 15 cm trong 10 phút',
          }),
          T0 + 90 * MIN,
        ],
      ]),
    );
  });

  it('the schema file is the OASIS CAP 1.2 schema, and it rejects what CAP forbids', async () => {
    expect(XSD).toContain('targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"');
    const good = chain[0].xml;
    await expectValid(good);
    for (const broken of [
      good.replace('<status>Actual</status>', '<status>Real</status>'),
      good.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-10-20T11:00:00Z</sent>'),
      good.replace('<scope>Public</scope>', ''),
      good.replace('<urgency>Immediate</urgency>', '<urgency>Now</urgency>'),
    ]) {
      const r = await validateXML({
        xml: [{ fileName: 'alert.xml', contents: broken }],
        schema: [{ fileName: 'CAP-v1.2.xsd', contents: XSD }],
      });
      expect(r.valid).toBe(false);
    }
  });

  it('turns a timeline into Alert → Update → Cancel, each referencing every earlier message', async () => {
    expect(chain.map((m) => m.msgType)).toEqual(['Alert', 'Update', 'Cancel']);
    expect(chain[0].references).toEqual([]);
    expect(chain[1].references).toEqual([`ioc@soctrang.local,${chain[0].identifier},${chain[0].sent}`]);
    expect(chain[2].references).toEqual(chain.slice(0, 2).map((m) => `${m.sender},${m.identifier},${m.sent}`));
    expect(new Set(chain.map((m) => m.identifier)).size).toBe(3);
    expect(chain.map((m) => m.sent)).toEqual([
      '2026-10-20T18:00:00+07:00',
      '2026-10-20T18:05:00+07:00',
      '2026-10-20T19:30:00+07:00',
    ]);
    for (const m of chain) await expectValid(m.xml);

    const alert = parse(chain[0].xml);
    expect(alert).toMatchObject({
      '@xmlns': 'urn:oasis:names:tc:emergency:cap:1.2',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      incidents: chain[0].incidentId,
    });
    expect(alert.references).toBeUndefined();
    const update = parse(chain[1].xml);
    expect(update.references).toBe(chain[1].references.join(' '));
    expect(list(update.info as Json[]).map((i) => i.severity)).toEqual(['Extreme', 'Extreme']);
    const cancel = parse(chain[2].xml);
    expect(cancel).toMatchObject({ msgType: 'Cancel', note: 'mực nước < 15 cm trong 10 phút' });
    const info = list(cancel.info as Json[]);
    expect(info.map((i) => [i.urgency, i.responseType])).toEqual([
      ['Past', 'AllClear'],
      ['Past', 'AllClear'],
    ]);
  });

  it('writes a Vietnamese and an English info block, with the SOP instruction and mapped codes', () => {
    const info = list(parse(chain[0].xml).info as Json[]);
    expect(info.map((i) => i.language)).toEqual(['vi-VN', 'en-US']);
    const [vi, en] = info;
    expect(vi).toMatchObject({
      event: 'Ngập úng đô thị',
      headline: 'Ngập úng lưu vực Trung tâm bắc',
      urgency: 'Immediate',
      severity: 'Moderate',
      certainty: 'Observed',
    });
    expect(en).toMatchObject({ event: 'Urban flooding', headline: 'Urban flooding in Trung tâm bắc catchment' });
    expect(list(vi.category as string[])).toEqual(['Met', 'Infra']);
    expect(vi.instruction).toBe(sops.require('urban-flooding').instruction.vi);
    expect(en.instruction).toBe(sops.require('urban-flooding').instruction.en);
    expect(vi.description).toContain('wl-p1-003 mực nước 32 cm');
    expect(vi.description).toContain('Mức độ: trung bình');
    expect(en.description).toContain('Severity: moderate');
    expect(list(parse(chain[1].xml).info as Json[]).map((i) => i.headline)).toEqual([
      'Cập nhật: Ngập úng lưu vực Trung tâm bắc',
      'Update: Urban flooding in Trung tâm bắc catchment',
    ]);
  });

  it('takes the area polygon from the zone geometry as closed "lat,lon" pairs', () => {
    const area = (list(parse(chain[0].xml).info as Json[])[0].area as Json) ?? {};
    expect(area.areaDesc).toBe('Lưu vực thoát nước Trung tâm bắc (chợ Sóc Trăng), Sóc Trăng, TP Cần Thơ');
    const pairs = String(area.polygon)
      .split(' ')
      .map((p) => p.split(',').map(Number));
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    expect(pairs[0]).toEqual(pairs[pairs.length - 1]);
    for (const [lat, lon] of pairs) {
      expect(lat).toBeGreaterThan(9.5);
      expect(lat).toBeLessThan(9.7);
      expect(lon).toBeGreaterThan(105.9);
      expect(lon).toBeLessThan(106.1);
    }
    const ring = city.catchments.find((c) => c.id === 'catch-trung-tam-bac')!.ring;
    expect(pairs[1]).toEqual([ring[1][1], ring[1][0]]);
    // an open ring is closed; fewer than three points is refused
    expect(
      capPolygon([
        [105.9, 9.6],
        [105.91, 9.6],
        [105.91, 9.61],
      ]),
    ).toBe('9.6,105.9 9.6,105.91 9.61,105.91 9.6,105.9');
    expect(() =>
      capPolygon([
        [105.9, 9.6],
        [105.91, 9.6],
      ]),
    ).toThrow();
  });

  it('marks exercises status=Exercise through the whole chain', async () => {
    const msgs = exporter.messages(
      timeline([
        [
          signal(
            raise(
              { kind: 'site', id: 'site-festival-bank-north' },
              { type: 'crowd-over-capacity', ruleId: 'traffic.crowd', key: 'crowd:north', severity: 'major' },
            ),
            true,
          ),
          T0,
        ],
        [{ kind: 'resolve', by: 'trainee-1', note: 'entries closed' }, T0 + 20 * MIN],
      ]),
    );
    expect(msgs.map((m) => [m.msgType, m.status])).toEqual([
      ['Alert', 'Exercise'],
      ['Cancel', 'Exercise'],
    ]);
    for (const m of msgs) await expectValid(m.xml);
    expect(parse(msgs[0].xml).note).toMatch(/Exercise/);
  });

  it('reopen and severity rise in one command make one Update; every zone kind gives a valid area', async () => {
    const reopenChain = exporter.messages(
      timeline([
        [signal(raise({ kind: 'ward', id: 'ward-p1' })), T0],
        [signal({ op: 'clear', key: 'urban-flooding:ward-p1', at: T0 + 10 * MIN, reason: 'below' }), T0 + 10 * MIN],
        [
          signal(
            raise(
              { kind: 'ward', id: 'ward-p1' },
              { at: T0 + 20 * MIN, severity: 'major', evidence: [ev(T0 + 20 * MIN, 'm5', 'again')] },
            ),
          ),
          T0 + 20 * MIN,
        ],
      ]),
    );
    expect(reopenChain.map((m) => m.msgType)).toEqual(['Alert', 'Cancel', 'Update']);
    const ward = list(parse(reopenChain[2].xml).info as Json[])[1].area as Json;
    expect(ward.areaDesc).toBe('Ward Phường 1, Sóc Trăng, Cần Thơ city');
    expect((list(parse(reopenChain[2].xml).info as Json[])[0].area as Json).areaDesc).toBe(
      'Phường 1, Sóc Trăng, TP Cần Thơ',
    );
    expect(list(ward.geocode as Json[]).map((g) => g.valueName)).toEqual(['VN-ADMIN-pre-2025', 'VN-ADMIN-2025']);

    const zones: Array<[ZoneRef, 'polygon' | 'circle' | 'none']> = [
      [{ kind: 'route', id: 'R-P1-01' }, 'polygon'],
      [{ kind: 'device', id: 'cam-ql1-001' }, 'circle'],
      [{ kind: 'river', id: 'river-maspero' }, 'polygon'],
      [{ kind: 'site', id: 'site-cho-dau-moi-p8' }, 'polygon'],
      [{ kind: 'ward', id: 'ward-p99' }, 'none'],
    ];
    for (const [zone, shape] of zones) {
      const [m] = exporter.messages(timeline([[signal(raise(zone, { key: `k:${zone.id}` })), T0]]));
      await expectValid(m.xml);
      const area = list(parse(m.xml).info as Json[])[0].area as Json;
      expect([area.polygon !== undefined, area.circle !== undefined]).toEqual([
        shape === 'polygon',
        shape === 'circle',
      ]);
      if (shape === 'circle') expect(area.circle).toBe('9.56842,105.94649 0.1');
    }
  });

  it('formats CAP times with an offset and whole seconds', () => {
    expect(capDateTime(Date.UTC(2026, 9, 20, 17, 30, 5, 999))).toBe('2026-10-21T00:30:05+07:00');
    expect(capDateTime(Date.UTC(2026, 0, 1, 0, 0, 0), -300)).toBe('2025-12-31T19:00:00-05:00');
  });

  it('is pure: the same timeline gives the same messages', () => {
    const t = timeline([[signal(raise(catchment)), T0]]);
    expect(exporter.messages(t)).toEqual(exporter.messages(t));
    expect(evolve(undefined, t[0]).id).toBe(chain[0].incidentId);
  });
});
