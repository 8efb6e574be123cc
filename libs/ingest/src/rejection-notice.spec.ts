import type { QuarantinedMessage } from '@ioc/domain';
import { noticeTopic, rejectionNotice } from './rejection-notice';

describe('noticeTopic', () => {
  it("answers a device's refusal on the device's feedback topic, even when it came through a gateway", () => {
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'SCHEMA_INVALID', deviceId: 'wl-1' })).toBe('ioc/feedback/v1/wl-1');
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'RATE_LIMITED', deviceId: 'wl-1', gatewayId: 'gw-a' })).toBe(
      'ioc/feedback/v1/wl-1',
    );
  });

  it("answers the gateway's own faults, and entries with no valid device id, on the gateway's topic", () => {
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'GATEWAY_EMPTY', gatewayId: 'gw-a' })).toBe('ioc/feedback/v1/gw-a');
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'SCHEMA_INVALID', deviceId: 'a/b', gatewayId: 'gw-a' })).toBe(
      'ioc/feedback/v1/gw-a',
    );
    expect(
      noticeTopic({ topic: 'ioc/v1/x', code: 'GATEWAY_DEVICE_NOT_ASSIGNED', deviceId: 'wl-2', gatewayId: 'gw-a' }),
    ).toBe('ioc/feedback/v1/gw-a');
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'GATEWAY_UNKNOWN', deviceId: 'wl-1', gatewayId: 'gw-x' })).toBe(
      'ioc/feedback/v1/gw-x',
    );
  });

  it('sends nothing about what came through the HTTP bridge: its sender reads the quarantine', () => {
    expect(
      noticeTopic({ topic: 'ioc/v1/bridge/http-integrator1/ngsi-ld', code: 'DEVICE_UNKNOWN', deviceId: 'wl-1' }),
    ).toBeUndefined();
    expect(
      noticeTopic({
        topic: 'ioc/v1/gateway/gw-a/ngsi-ld',
        code: 'SCHEMA_INVALID',
        deviceId: 'wl-1',
        gatewayId: 'gw-a',
      }),
    ).toBe('ioc/feedback/v1/wl-1');
  });

  it('falls back to _unknown when neither id is usable', () => {
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'TOPIC_INVALID' })).toBe('ioc/feedback/v1/_unknown');
    expect(noticeTopic({ topic: 'ioc/v1/x', code: 'TOPIC_INVALID', deviceId: '#' })).toBe('ioc/feedback/v1/_unknown');
  });
});

describe('rejectionNotice', () => {
  it('carries the code, reason, topic, ids and receive time', () => {
    const q: QuarantinedMessage = {
      receivedAt: new Date('2026-11-21T03:00:00.000Z'),
      topic: 'ioc/v1/gateway/gw-a',
      payload: Buffer.from('{}'),
      code: 'GATEWAY_DEVICE_NOT_ASSIGNED',
      reason: 'device "wl-2" is not assigned to gateway "gw-a"',
      deviceId: 'wl-2',
      msgId: 'm-1',
      gatewayId: 'gw-a',
    };
    expect(JSON.parse(rejectionNotice(q))).toEqual({
      code: 'GATEWAY_DEVICE_NOT_ASSIGNED',
      reason: 'device "wl-2" is not assigned to gateway "gw-a"',
      topic: 'ioc/v1/gateway/gw-a',
      msgId: 'm-1',
      gatewayId: 'gw-a',
      receivedAt: '2026-11-21T03:00:00.000Z',
    });
  });
});
