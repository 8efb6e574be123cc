import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { derivedMsgId } from './translation';
import { NGSI_LD_MAX_ENTITIES, translateNgsiLd } from './ngsi-ld';

const dir = join(__dirname, 'fixtures', 'smart-data-models');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
const ctx = { receivedAt: new Date('2026-11-21T03:00:00.000Z') };
const one = (json: unknown, c: { deviceId?: string; receivedAt: Date } = ctx) => {
  const t = translateNgsiLd(json, c);
  expect(t.messages.length + t.rejected.length).toBe(1);
  return t;
};
/** The value of an attribute in a fixture, normalized or key-values. */
const valueIn = (entity: Record<string, unknown>, name: string): unknown => {
  const a = entity[name] as { value?: unknown; object?: unknown } | unknown;
  return typeof a === 'object' && a !== null && !Array.isArray(a) && 'value' in a ? (a as { value: unknown }).value : a;
};

describe('translateNgsiLd: the published Smart Data Models examples', () => {
  it.each(['flood-monitoring.normalized', 'flood-monitoring.key-values'])(
    '%s → water-level from currentLevel (metres), time from observationDateTime',
    (name) => {
      const e = fixture(name);
      const { messages } = one(e);
      const ts = '2020-09-16T08:00:00.000Z'; // 13:30 at +05:30
      expect(messages[0]).toMatchObject({ deviceId: 'Pune-NoiseLevelObserved', kind: 'water-level', source: e });
      expect(messages[0].body).toMatchObject({
        msgId: derivedMsgId('ngsi', 'Pune-NoiseLevelObserved', 'water-level', ts),
        ts,
        levelCm: (valueIn(e, 'currentLevel') as number) * 100,
        attrs: expect.objectContaining({ floodLevelStatus: 'Normal', stationID: 'FWR013' }),
      });
      expect(messages[0].body.levelCm).toBe(name.endsWith('normalized') ? 198 : 98);
    },
  );

  it.each(['water-observed.normalized', 'water-observed.key-values'])(
    '%s → water-level from height, device from refDevice, time from dateObserved',
    (name) => {
      const e = fixture(name);
      const { messages } = one(e);
      expect(messages[0]).toMatchObject({ deviceId: 'T2-NP-018', kind: 'water-level' });
      expect(messages[0].body).toMatchObject({
        ts: '2020-03-17T08:45:00.209Z',
        levelCm: 352,
        attrs: expect.objectContaining({ name: 'STLRT-MNCA-AP-WO-012', flow: 12 }),
      });
      expect(valueIn(e, 'height')).toBe(3.52);
    },
  );

  it.each(['waste-container.spec-normalized', 'waste-container.spec-key-values'])(
    '%s (doc/spec.md) → bin-fill from fillingLevel ×100 and temperature, device id with ":" from refDevice',
    (name) => {
      const e = fixture(name);
      // As published the example carries no observation time: refused, never given one.
      const published = one(e);
      expect(published.rejected[0]).toMatchObject({
        code: 'NGSI_LD_INVALID',
        deviceId: 'device-Fleming:12a:1',
        source: e,
      });
      expect(published.rejected[0].reason).toContain('no observation time');
      // As an IoT Agent or Orion-LD sends it: fillingLevel with observedAt.
      const observedAt = '2016-06-21T16:00:00.000Z';
      const fillingLevel = valueIn(e, 'fillingLevel') as number;
      const sent = { ...e, fillingLevel: { type: 'Property', value: fillingLevel, observedAt } };
      const { messages } = one(sent);
      expect(messages[0]).toMatchObject({ deviceId: 'device-Fleming:12a:1', kind: 'bin-fill' });
      expect(messages[0].body).toMatchObject({ ts: observedAt, fillPct: 40, temperatureC: 23 });
      expect(fillingLevel).toBe(0.4);
      expect(messages[0].body.attrs).toMatchObject({ status: 'ok', serialNumber: 'ab56kjl' });
    },
  );

  it.each(['waste-container.normalized', 'waste-container.key-values'])(
    '%s (examples/) carries no fillingLevel: refused NGSI_LD_INVALID, naming the device from the id',
    (name) => {
      const { rejected } = one(fixture(name));
      expect(rejected[0]).toMatchObject({ code: 'NGSI_LD_INVALID', deviceId: '1021:AAWD' });
      expect(rejected[0].reason).toContain('no fillingLevel');
    },
  );

  it.each(['traffic-flow-observed.normalized', 'traffic-flow-observed.key-values'])(
    '%s → camera-traffic: intensity, speed, lane, 300 s interval, occupancy 0.76 → heavy',
    (name) => {
      const e = fixture(name);
      const { messages } = one(e);
      expect(messages[0]).toMatchObject({
        deviceId: 'TrafficFlowObserved-Valladolid-osm-60821110',
        kind: 'camera-traffic',
      });
      expect(messages[0].body).toMatchObject({
        ts: '2016-12-07T11:15:00.000Z',
        intervalS: 300,
        lanes: [{ lane: valueIn(e, 'laneId'), vehicleCount: valueIn(e, 'intensity'), avgSpeedKmh: 52.6 }],
        congestion: 'heavy',
        attrs: expect.objectContaining({ laneDirection: 'forward', reversedLane: false }),
      });
      expect(messages[0].body.lanes).toEqual([{ lane: 1, vehicleCount: 197, avgSpeedKmh: 52.6 }]);
    },
  );
});

const flood = (over: Record<string, unknown> = {}) => ({
  id: 'urn:ngsi-ld:FloodMonitoring:wl-p3-007',
  type: 'FloodMonitoring',
  currentLevel: { type: 'Property', value: 0.25, unitCode: 'MTR', observedAt: '2026-11-21T02:59:00Z' },
  ...over,
});

describe('translateNgsiLd: shapes and rules', () => {
  it('translates a notification wrapping two entities, one message each', () => {
    const n = {
      id: 'urn:ngsi-ld:Notification:1',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:ioc',
      notifiedAt: '2026-11-21T02:59:30Z',
      data: [flood(), fixture('traffic-flow-observed.normalized')],
    };
    const t = translateNgsiLd(n, ctx);
    expect(t.rejected).toEqual([]);
    expect(t.messages.map((m) => [m.deviceId, m.kind])).toEqual([
      ['wl-p3-007', 'water-level'],
      ['TrafficFlowObserved-Valladolid-osm-60821110', 'camera-traffic'],
    ]);
    expect(t.messages[0].body).toMatchObject({ ts: '2026-11-21T02:59:00.000Z', levelCm: 25 });
  });

  it('refuses an unsupported type alone; the supported entity beside it translates', () => {
    const other = { id: 'urn:ngsi-ld:AirQualityObserved:aq-1', type: 'AirQualityObserved', no2: 22 };
    const t = translateNgsiLd([other, flood()], ctx);
    expect(t.messages).toHaveLength(1);
    expect(t.rejected).toEqual([expect.objectContaining({ code: 'NGSI_LD_TYPE_UNSUPPORTED', source: other })]);
  });

  it.each([
    ['CMT', 25, 25],
    ['MMT', 250, 25],
    ['MTR', 0.25, 25],
  ])('honours unitCode %s', (unitCode, value, levelCm) => {
    const t = one(flood({ currentLevel: { type: 'Property', value, unitCode, observedAt: '2026-11-21T02:59:00Z' } }));
    expect(t.messages[0].body.levelCm).toBe(levelCm);
  });

  it('refuses a unitCode it cannot convert with NGSI_LD_UNIT_INVALID', () => {
    const t = one(
      flood({ currentLevel: { type: 'Property', value: 1, unitCode: 'FOT', observedAt: '2026-11-21T02:59:00Z' } }),
    );
    expect(t.rejected[0]).toMatchObject({ code: 'NGSI_LD_UNIT_INVALID', deviceId: 'wl-p3-007' });
    expect(t.rejected[0].reason).toContain('"FOT"');
  });

  it('takes fillingLevel in percent as is with unitCode P1', () => {
    const t = one({
      id: 'urn:ngsi-ld:WasteContainer:bin-1',
      type: 'WasteContainer',
      fillingLevel: { type: 'Property', value: 72, unitCode: 'P1', observedAt: '2026-11-21T02:59:00Z' },
    });
    expect(t.messages[0].body).toMatchObject({ fillPct: 72 });
  });

  it('refuses an entity with no observation time, never inventing one', () => {
    const t = one(flood({ currentLevel: { type: 'Property', value: 0.25 } }));
    expect(t.rejected[0]).toMatchObject({ code: 'NGSI_LD_INVALID', deviceId: 'wl-p3-007' });
    expect(t.rejected[0].reason).toContain('no observation time');
  });

  it.each([
    ['an id that is not an NGSI-LD URN', { id: 'https://example.org/sensors/7' }],
    ['a device id outside the IOC pattern', { id: 'urn:ngsi-ld:FloodMonitoring:has space' }],
    [
      'refDevice naming two devices',
      { refDevice: { type: 'Relationship', object: ['urn:ngsi-ld:Device:a', 'urn:ngsi-ld:Device:b'] } },
    ],
  ])('refuses %s with NGSI_LD_INVALID', (_, over) => {
    const t = one(flood(over));
    expect(t.rejected[0].code).toBe('NGSI_LD_INVALID');
  });

  it('refuses a traffic observation without a period', () => {
    const t = one({
      id: 'urn:ngsi-ld:TrafficFlowObserved:cam-1',
      type: 'TrafficFlowObserved',
      intensity: 10,
      averageVehicleSpeed: 30,
      dateObserved: '2026-11-21T02:59:00Z',
    });
    expect(t.rejected[0]).toMatchObject({ code: 'NGSI_LD_INVALID' });
    expect(t.rejected[0].reason).toContain('no observation period');
  });

  it('reads expanded attribute names and types, and congested over occupancy', () => {
    const t = one({
      '@id': 'urn:ngsi-ld:TrafficFlowObserved:cam-1',
      '@type': ['https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved'],
      'https://smartdatamodels.org/dataModel.Transportation/intensity': { type: 'Property', value: 40 },
      'https://smartdatamodels.org/dataModel.Transportation/averageVehicleSpeed': {
        type: 'Property',
        value: 5,
        unitCode: 'MTS',
      },
      'https://smartdatamodels.org/dataModel.Transportation/laneId': 2,
      'https://smartdatamodels.org/dataModel.Transportation/congested': true,
      'https://smartdatamodels.org/dataModel.Transportation/occupancy': 0.1,
      'https://smartdatamodels.org/dataModel.Transportation/dateObservedFrom': '2026-11-21T02:58:00Z',
      'https://smartdatamodels.org/dataModel.Transportation/dateObservedTo': '2026-11-21T02:59:00Z',
    });
    expect(t.messages[0].body).toMatchObject({
      ts: '2026-11-21T02:59:00.000Z',
      intervalS: 60,
      lanes: [{ lane: 2, vehicleCount: 40, avgSpeedKmh: 18 }],
      congestion: 'heavy',
    });
  });

  it.each([
    [0.29, 'free'],
    [0.3, 'moderate'],
    [0.6, 'heavy'],
    [0.85, 'jammed'],
  ])('maps occupancy %d to %s', (occupancy, congestion) => {
    const e = { ...fixture('traffic-flow-observed.key-values'), occupancy };
    expect(one(e).messages[0].body.congestion).toBe(congestion);
  });

  it('derives the same msgId for a re-notification of the same observation', () => {
    const a = one(flood()).messages[0].body.msgId;
    const b = one(flood({ currentLevel: { type: 'Property', value: 0.25, observedAt: '2026-11-21T09:59:00+07:00' } }))
      .messages[0].body.msgId;
    expect(a).toBe(b);
  });

  it('keeps only extras that fit attrs, never failing on them', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x${i}`, i]));
    const t = one(flood({ ...many, long: 'y'.repeat(300), nested: { a: 1 }, ['k'.repeat(65)]: 1 }));
    const attrs = t.messages[0].body.attrs as Record<string, unknown>;
    expect(Object.keys(attrs)).toHaveLength(32);
    expect(attrs).not.toHaveProperty('long');
    expect(attrs).not.toHaveProperty('nested');
  });

  it('takes an entity without id on a device topic as that device', () => {
    const { id: _, ...noId } = flood();
    expect(one(noId, { ...ctx, deviceId: 'wl-9' }).messages[0].deviceId).toBe('wl-9');
  });

  it.each([
    ['null', null],
    ['a number', 7],
    ['a string', 'x'],
    ['an empty array', []],
    ['a notification without data', { type: 'Notification', data: 'x' }],
    ['too many entities', new Array(NGSI_LD_MAX_ENTITIES + 1).fill(flood())],
  ])('refuses %s as a whole with NGSI_LD_INVALID, never throwing', (_, json) => {
    const t = translateNgsiLd(json, ctx);
    expect(t.messages).toEqual([]);
    expect(t.rejected).toEqual([expect.objectContaining({ code: 'NGSI_LD_INVALID' })]);
    expect(t.rejected[0].source).toBeUndefined();
  });

  it('never throws on odd entities', () => {
    const odd = [
      null,
      1,
      [],
      {},
      { type: 5 },
      { type: 'FloodMonitoring', currentLevel: { type: 'Property' } },
      { type: 'WaterObserved', id: 'urn:ngsi-ld:WaterObserved:w', height: 'high', dateObserved: 'yesterday' },
    ];
    const t = translateNgsiLd(odd, ctx);
    expect(t.rejected).toHaveLength(odd.length);
  });
});
