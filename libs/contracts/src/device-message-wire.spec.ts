import type { DeviceMessage } from '@ioc/domain';
import { decodeDeviceMessages, encodeDeviceMessages } from './device-message-wire';

describe('device-message stream encoding', () => {
  const base: DeviceMessage = {
    deviceId: 'wl-1',
    msgId: 'm "1"',
    kind: 'water-level',
    domain: 'flood',
    ts: new Date('2026-11-21T02:59:00.000Z'),
    receivedAt: new Date('2026-11-21T03:00:00.000Z'),
    topic: 'ioc/v1/flood/wl-1/water-level',
    body: { msgId: 'm "1"', ts: '2026-11-21T02:59:00.000Z', levelCm: 12.5, attrs: { note: 'ngập "sâu"\n' } },
    bodyJson:
      ' {"msgId":"m \\"1\\"","ts":"2026-11-21T02:59:00.000Z","levelCm":12.5,"attrs":{"note":"ngập \\"sâu\\"\\n"}}\n',
  };

  it('round-trips messages, reusing the received body text', () => {
    const gw: DeviceMessage = {
      ...base,
      deviceId: 'bin-2',
      kind: 'bin-fill',
      domain: 'waste',
      gatewayId: 'gw-1',
      body: { fillPct: 3 },
      bodyJson: '{"fillPct":3}',
    };
    const encoded = encodeDeviceMessages([base, gw]);
    expect(() => JSON.parse(encoded)).not.toThrow();
    const [a, b] = decodeDeviceMessages(encoded);
    expect(a).toMatchObject({
      deviceId: 'wl-1',
      msgId: 'm "1"',
      ts: base.ts,
      receivedAt: base.receivedAt,
      body: base.body,
    });
    expect(a).not.toHaveProperty('gatewayId');
    expect(b).toMatchObject({ gatewayId: 'gw-1', body: { fillPct: 3 } });
    expect(JSON.parse(b.bodyJson)).toEqual({ fillPct: 3 });
  });
});
