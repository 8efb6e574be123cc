import {
  senderFeedbackTopic,
  bridgeTopic,
  deviceTopic,
  feedbackTopic,
  gatewayStandardTopic,
  gatewayTopic,
  parseTopic,
  standardTopic,
  TOPIC_ROOT,
} from './topics';

describe('topic routing', () => {
  it('parses a device topic into domain, device and kind', () => {
    expect(parseTopic('ioc/v1/flood/wl-p3-007/water-level')).toEqual({
      type: 'device',
      domain: 'flood',
      deviceId: 'wl-p3-007',
      kind: 'water-level',
    });
    expect(parseTopic('ioc/v1/camera/cam-12/camera-detection')).toMatchObject({
      type: 'device',
      domain: 'camera',
      kind: 'camera-detection',
    });
  });

  it('parses a gateway topic', () => {
    expect(parseTopic('ioc/v1/gateway/gw-ward8')).toEqual({ type: 'gateway', gatewayId: 'gw-ward8' });
  });

  it.each([
    ['other/v1/flood/a/water-level', 'must start with'],
    ['ioc/v2/flood/a/water-level', 'must start with'],
    ['ioc/v1/air/a/pm25', 'unknown domain "air"'],
    ['ioc/v1/flood/a/bin-fill', 'belongs to domain "waste"'],
    ['ioc/v1/flood/a/level', 'unknown message kind "level"'],
    ['ioc/v1/flood/a', 'device topic is'],
    ['ioc/v1/flood/a/water-level/extra', 'device topic is'],
    ['ioc/v1/flood/bad id/water-level', 'does not match'],
    ['ioc/v1/gateway/gw/1', 'unknown payload format "1"'],
    ['ioc/v1/gateway/gw/senml/x', 'gateway topic is'],
    ['ioc/v1/senml/bad id', 'does not match'],
    ['ioc/v1/bridge/http', 'bridge topic is'],
    ['ioc/v1/bridge/http/csv', 'unknown payload format "csv"'],
    ['ioc/v1/gateway/-bad', 'does not match'],
  ])('rejects %s with a reason', (topic, reason) => {
    const parsed = parseTopic(topic);
    expect(parsed.type).toBe('invalid');
    expect((parsed as { reason: string }).reason).toContain(reason);
  });

  it('parses the standard-format topics of a device, a gateway and a bridge', () => {
    expect(parseTopic('ioc/v1/senml/wl-p3-007')).toEqual({ type: 'standard', format: 'senml', deviceId: 'wl-p3-007' });
    expect(parseTopic(standardTopic('ngsi-ld', 'bin-1'))).toEqual({
      type: 'standard',
      format: 'ngsi-ld',
      deviceId: 'bin-1',
    });
    expect(parseTopic(gatewayStandardTopic('senml', 'gw-p3'))).toEqual({
      type: 'standard',
      format: 'senml',
      gatewayId: 'gw-p3',
    });
    expect(parseTopic(bridgeTopic('ngsi-ld', 'http-ngsi-ld'))).toEqual({
      type: 'standard',
      format: 'ngsi-ld',
      bridgeId: 'http-ngsi-ld',
    });
  });

  it('builds topics that parse back', () => {
    expect(parseTopic(deviceTopic('bin-fill', 'bin-0001'))).toEqual({
      type: 'device',
      domain: 'waste',
      deviceId: 'bin-0001',
      kind: 'bin-fill',
    });
    expect(parseTopic(gatewayTopic('gw-1'))).toEqual({ type: 'gateway', gatewayId: 'gw-1' });
  });

  it('keeps feedback outside the ingest subscription', () => {
    expect(feedbackTopic('wl-1').startsWith(`${TOPIC_ROOT}/`)).toBe(false);
    expect(feedbackTopic('bad/id')).toBe('ioc/feedback/v1/_unknown');
  });

  it("names the sender's own feedback topic, the only one a receipt goes to", () => {
    expect(senderFeedbackTopic(deviceTopic('water-level', 'wl-1'))).toBe('ioc/feedback/v1/wl-1');
    expect(senderFeedbackTopic('ioc/v1/senml/wl-1')).toBe('ioc/feedback/v1/wl-1');
    expect(senderFeedbackTopic(gatewayTopic('gw-1'))).toBe('ioc/feedback/v1/gw-1');
    expect(senderFeedbackTopic(gatewayStandardTopic('ngsi-ld', 'gw-1'))).toBe('ioc/feedback/v1/gw-1');
    expect(senderFeedbackTopic(bridgeTopic('ngsi-ld', 'http-ngsi-ld'))).toBeUndefined();
    expect(senderFeedbackTopic('ioc/v1/flood/wl-1')).toBeUndefined();
  });
});
