import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageValidators } from './validation';
import { MessageDecoder, REJECTION_REASON_MAX } from './message-decoder';
import { derivedMsgId } from './formats';

const now = new Date('2026-11-21T03:00:00.000Z');
const decoder = new MessageDecoder(createMessageValidators(), {
  maxPayloadBytes: 4096,
  maxFutureSkewMs: 600_000,
  maxAgeMs: 86_400_000,
});
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const wl = (over: Record<string, unknown> = {}) => ({
  msgId: 'm-1',
  ts: '2026-11-21T02:59:00.000Z',
  levelCm: 20,
  ...over,
});

describe('MessageDecoder', () => {
  it('cuts a reason that quotes a long refused text, saying how much it left out', () => {
    const level = 'x'.repeat(60_000);
    const [topic] = decoder.decode(`ioc/v1/flood/${level}/water-level`, json(wl()), now).rejected;
    expect(topic.code).toBe('TOPIC_INVALID');
    expect(topic.reason.length).toBeLessThanOrEqual(REJECTION_REASON_MAX);
    expect(topic.reason).toMatch(/… \(\d+ more characters\)$/);
    const [schema] = decoder.decode(
      'ioc/v1/flood/wl-1/water-level',
      json(wl({ ['k'.repeat(3_000)]: 1 })),
      now,
    ).rejected;
    expect(schema.code).toBe('SCHEMA_INVALID');
    expect(schema.reason.length).toBeLessThanOrEqual(REJECTION_REASON_MAX);
    // A short reason is left whole.
    expect(decoder.decode('ioc/v1/flood/wl-1/nope', json(wl()), now).rejected[0].reason).not.toContain(
      'more characters',
    );
  });

  it('accepts a valid device message with event time, receive time and domain', () => {
    const r = decoder.decode('ioc/v1/flood/wl-1/water-level', json(wl()), now);
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toEqual([
      expect.objectContaining({
        deviceId: 'wl-1',
        msgId: 'm-1',
        kind: 'water-level',
        domain: 'flood',
        ts: new Date('2026-11-21T02:59:00.000Z'),
        receivedAt: now,
      }),
    ]);
  });

  it.each([
    ['ioc/v1/flood/wl-1/nope', json(wl()), 'TOPIC_INVALID'],
    ['ioc/v1/flood/wl-1/water-level', Buffer.from([0xff, 0xfe, 0x00]), 'PAYLOAD_NOT_UTF8'],
    ['ioc/v1/flood/wl-1/water-level', Buffer.from('{"msgId": '), 'PAYLOAD_NOT_JSON'],
    ['ioc/v1/flood/wl-1/water-level', Buffer.from('null'), 'SCHEMA_INVALID'],
    ['ioc/v1/flood/wl-1/water-level', json([1, 2]), 'SCHEMA_INVALID'],
    ['ioc/v1/flood/wl-1/water-level', json(wl({ levelCm: 'high' })), 'SCHEMA_INVALID'],
    ['ioc/v1/flood/wl-1/water-level', json(wl({ deviceId: 'wl-2' })), 'DEVICE_ID_MISMATCH'],
    ['ioc/v1/flood/wl-1/water-level', json(wl({ ts: '2026-11-21T04:00:00.000Z' })), 'TIMESTAMP_IN_FUTURE'],
    ['ioc/v1/flood/wl-1/water-level', json(wl({ ts: '2026-11-10T00:00:00.000Z' })), 'TIMESTAMP_TOO_OLD'],
    ['ioc/v1/flood/wl-1/water-level', Buffer.alloc(5000, 0x20), 'PAYLOAD_TOO_LARGE'],
    ['ioc/v1/gateway/gw-1', json({ messages: [] }), 'GATEWAY_EMPTY'],
    ['ioc/v1/gateway/gw-1', json({ messages: new Array(501).fill({}) }), 'GATEWAY_TOO_MANY'],
    ['ioc/v1/gateway/gw-1', json({ items: [] }), 'SCHEMA_INVALID'],
  ])('quarantines %s (%#) as %s, keeping the bytes as received', (topic, payload, code) => {
    const r = decoder.decode(topic, payload, now);
    expect(r.accepted).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ code, topic, receivedAt: now });
    expect(r.rejected[0].payload.equals(payload)).toBe(true);
    expect(r.rejected[0].reason.length).toBeGreaterThan(5);
  });

  it('judges every publish on a topic the same way, the first time and every time after (topics are parsed once)', () => {
    const fresh = new MessageDecoder(createMessageValidators(), {
      maxPayloadBytes: 4096,
      maxFutureSkewMs: 600_000,
      maxAgeMs: 86_400_000,
    });
    for (let i = 0; i < 3; i++) {
      expect(fresh.decode('ioc/v1/flood/wl-1/bin-fill', json(wl()), now).rejected[0]).toMatchObject({
        code: 'TOPIC_INVALID',
      });
      expect(
        fresh.decode('ioc/v1/flood/wl-1/water-level', json(wl({ msgId: `m-${i}` })), now).accepted[0],
      ).toMatchObject({ deviceId: 'wl-1', msgId: `m-${i}` });
      expect(fresh.decode('ioc/v1/flood/wl-2/water-level', json(wl()), now).accepted[0]).toMatchObject({
        deviceId: 'wl-2',
      });
    }
  });

  it('keeps the msgId of a schema-invalid message for the integrator', () => {
    const r = decoder.decode('ioc/v1/flood/wl-1/water-level', json(wl({ levelCm: -999 })), now);
    expect(r.rejected[0]).toMatchObject({ code: 'SCHEMA_INVALID', deviceId: 'wl-1', msgId: 'm-1' });
    expect(r.rejected[0].reason).toContain('/levelCm must be >= -50');
  });

  it('splits a gateway batch and judges each entry alone', () => {
    const r = decoder.decode(
      'ioc/v1/gateway/gw-1',
      json({
        messages: [
          { deviceId: 'wl-1', kind: 'water-level', ...wl() },
          { deviceId: 'bin-9', kind: 'bin-fill', msgId: 'b-1', ts: '2026-11-21T02:58:00Z', fillPct: 120 },
          { deviceId: 'rg-1', kind: 'rain', msgId: 'r-1', ts: '2026-11-21T02:58:00Z', rainMm: 4, intervalS: 600 },
          { deviceId: 'x', kind: 'teleport', msgId: 'q' },
        ],
      }),
      now,
    );
    expect(r.accepted.map((m) => [m.deviceId, m.kind, m.gatewayId])).toEqual([
      ['wl-1', 'water-level', 'gw-1'],
      ['rg-1', 'rain', 'gw-1'],
    ]);
    expect(r.accepted[0].body).not.toHaveProperty('kind');
    expect(r.rejected.map((q) => [q.deviceId, q.code, q.msgId])).toEqual([
      ['bin-9', 'SCHEMA_INVALID', 'b-1'],
      ['x', 'SCHEMA_INVALID', 'q'],
    ]);
    expect(JSON.parse(r.rejected[0].payload.toString())).toMatchObject({ deviceId: 'bin-9', fillPct: 120 });
  });

  describe('SenML', () => {
    const t = now.getTime() / 1000 - 60;
    const ts = new Date(t * 1000).toISOString();

    it('accepts a device pack on ioc/v1/senml/{deviceId} as native messages of the topic device', () => {
      const r = decoder.decode(
        'ioc/v1/senml/wl-p3-007',
        json([
          { bn: 'urn:dev:ioc:wl-p3-007:', bt: t, n: 'water-level', u: 'm', v: 0.25 },
          { n: 'battery', u: '%EL', v: 80 },
        ]),
        now,
      );
      expect(r.rejected).toEqual([]);
      expect(r.accepted).toEqual([
        expect.objectContaining({
          deviceId: 'wl-p3-007',
          kind: 'water-level',
          domain: 'flood',
          ts: new Date(ts),
          msgId: derivedMsgId('senml', 'wl-p3-007', 'water-level', ts),
          body: { msgId: derivedMsgId('senml', 'wl-p3-007', 'water-level', ts), ts, levelCm: 25, batteryPct: 80 },
        }),
      ]);
      expect(r.accepted[0].gatewayId).toBeUndefined();
    });

    it('accepts a gateway pack naming several devices, each message carrying the gateway', () => {
      const r = decoder.decode(
        'ioc/v1/gateway/gw-1/senml',
        json([
          { bn: 'urn:dev:ioc:rg-1:', bt: t, n: 'rain', u: 'mm', v: 2.5 },
          { n: 'rain-interval', u: 's', v: 600 },
          { bn: 'bin-9/', n: 'fill', u: '%', v: 55 },
        ]),
        now,
      );
      expect(r.rejected).toEqual([]);
      expect(r.accepted.map((m) => [m.deviceId, m.kind, m.gatewayId, m.body])).toEqual([
        ['rg-1', 'rain', 'gw-1', expect.objectContaining({ rainMm: 2.5, intervalS: 600 })],
        ['bin-9', 'bin-fill', 'gw-1', expect.objectContaining({ fillPct: 55 })],
      ]);
    });

    it('judges each translated message by its native schema, quarantining the refused part with its records', () => {
      const r = decoder.decode(
        'ioc/v1/gateway/gw-1/senml',
        json([
          { bn: 'wl-1:', bt: t, n: 'water-level', u: 'm', v: 6 },
          { bn: 'wl-2:', n: 'water-level', u: 'cm', v: 30 },
          { bn: 'wl-3:', n: 'water-level', u: 'Cel', v: 30 },
        ]),
        now,
      );
      expect(r.accepted.map((m) => m.deviceId)).toEqual(['wl-2']);
      expect(r.rejected.map((q) => [q.code, q.deviceId, q.gatewayId])).toEqual([
        ['SENML_UNIT_INVALID', 'wl-3', 'gw-1'],
        ['SCHEMA_INVALID', 'wl-1', 'gw-1'],
      ]);
      expect(r.rejected[1].reason).toMatch(/^senml → water-level: \/levelCm must be <= 500/);
      expect(r.rejected[1].msgId).toBe(derivedMsgId('senml', 'wl-1', 'water-level', ts));
      expect(JSON.parse(r.rejected[1].payload.toString())).toEqual([{ n: 'wl-1:water-level', t, u: 'm', v: 6 }]);
    });

    it('refuses a pack on a device topic naming another device as DEVICE_ID_MISMATCH, keeping the bytes', () => {
      const payload = json([{ bn: 'urn:dev:ioc:wl-other:', n: 'water-level', u: 'cm', v: 20 }]);
      const r = decoder.decode('ioc/v1/senml/wl-p3-007', payload, now);
      expect(r.accepted).toEqual([]);
      expect(r.rejected).toEqual([
        expect.objectContaining({ code: 'DEVICE_ID_MISMATCH', deviceId: 'wl-p3-007', payload }),
      ]);
      expect(r.rejected[0].reason).toContain('"wl-other"');
    });

    it('quarantines a pack that is not an array whole, with its bytes as received', () => {
      const payload = json({ n: 'water-level', u: 'cm', v: 20 });
      const r = decoder.decode('ioc/v1/senml/wl-p3-007', payload, now);
      expect(r.rejected).toEqual([expect.objectContaining({ code: 'SENML_INVALID', deviceId: 'wl-p3-007', payload })]);
    });

    it('applies the timestamp window to translated messages', () => {
      const r = decoder.decode('ioc/v1/senml/wl-p3-007', json([{ n: 'water-level', u: 'cm', v: 1, t: 3600 }]), now);
      expect(r.rejected[0]).toMatchObject({ code: 'TIMESTAMP_IN_FUTURE', reason: expect.stringMatching(/^senml → /) });
    });
  });

  it.each([
    ['ioc/v1/bridge/http/ngsi-ld', (deep: string) => `{"type":"Notification","data":[${deep},{"type":"X"}]}`],
    ['ioc/v1/gateway/gw-1', (deep: string) => `{"messages":[{"deviceId":"wl-1","kind":"water-level","x":${deep}},{}]}`],
    ['ioc/v1/gateway/gw-1/senml', (deep: string) => `[{"n":"wl-1:water-level","u":"cm","v":1},{"v":"a","x":${deep}}]`],
  ])(
    'quarantines a part nested too deep to serialise again on %s with the bytes as received (found by the fuzzer)',
    (topic, make) => {
      const depth = 20_000;
      const payload = Buffer.from(make(`${'['.repeat(depth)}${']'.repeat(depth)}`));
      const r = new MessageDecoder(createMessageValidators(), {
        maxPayloadBytes: 1 << 20,
        maxFutureSkewMs: 600_000,
        maxAgeMs: 86_400_000,
      }).decode(topic, payload, now);
      expect(r.accepted.length + r.rejected.length).toBe(2);
      expect(r.rejected.some((q) => q.payload.equals(payload))).toBe(true);
    },
  );

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const topic = [
        'ioc/v1/flood/wl-1/water-level',
        'ioc/v1/gateway/g',
        'ioc/v1/#/x',
        '',
        'ioc/v1/senml/wl-1',
        'ioc/v1/gateway/g/senml',
      ][i % 6];
      const r = decoder.decode(topic, bytes, now);
      expect(r.accepted.length + r.rejected.length).toBeGreaterThan(0);
    }
  });
});

describe('NGSI-LD payloads', () => {
  const sdm = (name: string): Record<string, unknown> =>
    JSON.parse(
      readFileSync(join(__dirname, 'formats', 'fixtures', 'smart-data-models', `${name}.json`), 'utf8'),
    ) as Record<string, unknown>;
  const floodAt = new Date('2020-09-16T08:01:00.000Z'); // a minute after the FloodMonitoring example's observation
  const trafficAt = new Date('2016-12-07T11:16:00.000Z'); // a minute after the TrafficFlowObserved example's period

  it("accepts a device's own FloodMonitoring entity on ioc/v1/ngsi-ld/<id> as water-level", () => {
    const r = decoder.decode(
      'ioc/v1/ngsi-ld/Pune-NoiseLevelObserved',
      json(sdm('flood-monitoring.normalized')),
      floodAt,
    );
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toEqual([
      expect.objectContaining({
        deviceId: 'Pune-NoiseLevelObserved',
        kind: 'water-level',
        domain: 'flood',
        ts: new Date('2020-09-16T08:00:00.000Z'),
      }),
    ]);
    expect(r.accepted[0].body).toMatchObject({ levelCm: 198 });
    expect(r.accepted[0].msgId).toMatch(/^ngsi-/);
  });

  it('accepts an Orion-LD notification forwarded on ioc/v1/bridge/http/ngsi-ld', () => {
    const notification = {
      id: 'urn:ngsi-ld:Notification:5fd0fa684eb81930c97005f3',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:ioc-traffic',
      notifiedAt: '2016-12-07T11:15:30.000Z',
      data: [sdm('traffic-flow-observed.normalized')],
    };
    const r = decoder.decode('ioc/v1/bridge/http/ngsi-ld', json(notification), trafficAt);
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toHaveLength(1);
    expect(r.accepted[0]).toMatchObject({
      deviceId: 'TrafficFlowObserved-Valladolid-osm-60821110',
      kind: 'camera-traffic',
      domain: 'camera',
      ts: new Date('2016-12-07T11:15:00.000Z'),
    });
    expect(r.accepted[0].body).toMatchObject({
      intervalS: 300,
      lanes: [{ lane: 1, vehicleCount: 197, avgSpeedKmh: 52.6 }],
      congestion: 'heavy',
    });
  });

  it('quarantines an out-of-range value as SCHEMA_INVALID, the reason prefixed ngsi-ld →', () => {
    const e = sdm('flood-monitoring.normalized');
    const high = { ...e, currentLevel: { type: 'Property', value: 6, unitCode: 'MTR' } };
    const r = decoder.decode('ioc/v1/ngsi-ld/Pune-NoiseLevelObserved', json(high), floodAt);
    expect(r.accepted).toEqual([]);
    expect(r.rejected).toEqual([
      expect.objectContaining({ code: 'SCHEMA_INVALID', deviceId: 'Pune-NoiseLevelObserved' }),
    ]);
    expect(r.rejected[0].reason).toMatch(/^ngsi-ld → water-level: .*levelCm must be <= 500/);
  });

  it('quarantines an entity naming another device on a device topic as DEVICE_ID_MISMATCH', () => {
    const r = decoder.decode('ioc/v1/ngsi-ld/wl-1', json(sdm('flood-monitoring.normalized')), floodAt);
    expect(r.rejected).toEqual([expect.objectContaining({ code: 'DEVICE_ID_MISMATCH', deviceId: 'wl-1' })]);
  });

  it('quarantines the published examples as TIMESTAMP_TOO_OLD when received today', () => {
    const r = decoder.decode('ioc/v1/bridge/http/ngsi-ld', json(sdm('water-observed.key-values')), now);
    expect(r.rejected).toEqual([expect.objectContaining({ code: 'TIMESTAMP_TOO_OLD', deviceId: 'T2-NP-018' })]);
  });

  it('keeps an unsupported entity of a notification apart from the one it translates', () => {
    const other = { id: 'urn:ngsi-ld:AirQualityObserved:aq-1', type: 'AirQualityObserved', no2: 22 };
    const notification = { id: 'n', type: 'Notification', data: [other, sdm('traffic-flow-observed.key-values')] };
    const r = decoder.decode('ioc/v1/bridge/http/ngsi-ld', json(notification), trafficAt);
    expect(r.accepted).toHaveLength(1);
    expect(r.rejected).toEqual([expect.objectContaining({ code: 'NGSI_LD_TYPE_UNSUPPORTED' })]);
    expect(JSON.parse(r.rejected[0].payload.toString())).toEqual(other);
  });
});
