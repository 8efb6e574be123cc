import { createMessageValidators } from './validation';
import { MessageDecoder } from './message-decoder';

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

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const topic = ['ioc/v1/flood/wl-1/water-level', 'ioc/v1/gateway/g', 'ioc/v1/#/x', ''][i % 4];
      const r = decoder.decode(topic, bytes, now);
      expect(r.accepted.length + r.rejected.length).toBeGreaterThan(0);
    }
  });
});
