import type { ProvisioningKeyRecord } from '@ioc/storage';
import { topicMatches } from './dynsec.client';
import { keyRefusal, readProvisionRequest, refusalOf } from './provision-request';
import { RegistryError } from './registry.errors';

const REQUEST = 'ioc/provision/v1/fleet-a/request';
const RESPONSE = { responseTopic: 'ioc/provision/v1/fleet-a/response' };
const body = (v: unknown) => Buffer.from(JSON.stringify(v));
const valid = { deviceId: 'wl-new-001', type: 'water-level-sensor', wardId: 'ward-p3' };

describe('readProvisionRequest', () => {
  it('reads the key from the topic and the request from the payload', () => {
    expect(readProvisionRequest(REQUEST, body(valid), RESPONSE)).toEqual({ keyId: 'fleet-a', request: valid });
    const placed = { deviceId: 'wl-new-002', type: 'rain-gauge', lat: 9.6, lon: 105.97 };
    expect(readProvisionRequest(REQUEST, body(placed), RESPONSE)?.request).toEqual(placed);
  });

  it('ignores topics that are not a request topic (there is nobody to answer)', () => {
    for (const t of [
      'ioc/provision/v1/fleet-a/response',
      'ioc/provision/v1/fleet-a',
      'ioc/provision/v1//request',
      'ioc/v1/flood/x/water-level',
      'ioc/provision/v2/fleet-a/request',
    ])
      expect(readProvisionRequest(t, body(valid), RESPONSE)).toBeUndefined();
  });

  it.each([
    ['no MQTT 5 properties', undefined],
    ['no responseTopic', {}],
    ["another key's response topic", { responseTopic: 'ioc/provision/v1/fleet-b/response' }],
    ['a topic of its own choosing', { responseTopic: 'ioc/v1/flood/wl-p3-007/water-level' }],
  ])('refuses a request with %s as PROVISIONING_INVALID', (_what, properties) => {
    expect(readProvisionRequest(REQUEST, body(valid), properties)).toEqual({
      keyId: 'fleet-a',
      refusal: {
        code: 'PROVISIONING_INVALID',
        reason: expect.stringContaining('responseTopic = ioc/provision/v1/fleet-a/response'),
      },
    });
  });

  it.each([
    ['not JSON', Buffer.from('{deviceId:'), 'not JSON'],
    ['an array', body([valid]), '(payload)'],
    ['an unknown type', body({ ...valid, type: 'toaster' }), 'type'],
    ['a bad id', body({ ...valid, deviceId: 'has space' }), 'deviceId'],
    ['a bad ward', body({ ...valid, wardId: 'p3' }), 'wardId'],
    ['no place', body({ deviceId: 'x-1', type: 'bin' }), 'give wardId, or lat and lon'],
    ['lat without lon', body({ deviceId: 'x-1', type: 'bin', lat: 9.6 }), 'lat and lon come together'],
    ['an unknown property', body({ ...valid, password: 'mine' }), 'password'],
    ['a position off the globe', body({ deviceId: 'x-1', type: 'bin', lat: 99, lon: 105 }), 'lat'],
  ])('refuses %s as PROVISIONING_INVALID, saying why', (_what, payload, why) => {
    const r = readProvisionRequest(REQUEST, payload, RESPONSE);
    expect(r?.refusal?.code).toBe('PROVISIONING_INVALID');
    expect(r?.refusal?.reason).toContain(why);
  });
});

describe('keyRefusal', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const key = (over: Partial<ProvisioningKeyRecord> = {}): ProvisioningKeyRecord => ({
    id: 'fleet-a',
    deviceTypes: ['water-level-sensor', 'rain-gauge'],
    wardCodes: ['ward-p3', 'ward-p4'],
    maxDevices: 3,
    used: 1,
    expiresAt: new Date('2026-12-08T00:00:00Z'),
    revokedAt: null,
    createdBy: 'u-1',
    createdAt: new Date('2026-12-01T00:00:00Z'),
    ...over,
  });
  const wl = { type: 'water-level-sensor' as const, wardId: 'ward-p3' };

  it('lets a live key with room provision a device of its types in its wards', () => {
    expect(keyRefusal(key(), wl, now)).toBeUndefined();
    expect(keyRefusal(key({ wardCodes: [] }), { ...wl, wardId: 'ward-p9' }, now)).toBeUndefined();
  });

  it.each([
    ['an unknown key', null, wl, 'PROVISIONING_KEY_REVOKED'],
    ['a revoked key', key({ revokedAt: now }), wl, 'PROVISIONING_KEY_REVOKED'],
    ['a key expiring now', key({ expiresAt: now }), wl, 'PROVISIONING_KEY_EXPIRED'],
    ['a used-up key', key({ used: 3 }), wl, 'PROVISIONING_KEY_EXHAUSTED'],
    ['a type the key does not allow', key(), { ...wl, type: 'bin' as const }, 'PROVISIONING_TYPE_NOT_ALLOWED'],
    ['a ward the key does not allow', key(), { ...wl, wardId: 'ward-p9' }, 'PROVISIONING_WARD_NOT_ALLOWED'],
  ])('refuses %s', (_what, k, device, code) => {
    expect(keyRefusal(k, device, now)?.code).toBe(code);
  });

  it("judges the key's state before the device", () => {
    expect(keyRefusal(key({ revokedAt: now, used: 3 }), { ...wl, type: 'bin' }, now)?.code).toBe(
      'PROVISIONING_KEY_REVOKED',
    );
  });
});

describe('refusalOf', () => {
  it('keeps the code and reason of a refusal the device can act on', () => {
    expect(refusalOf(new RegistryError('REGISTRY_EXISTS', 'device "x" is already registered'))).toEqual({
      code: 'REGISTRY_EXISTS',
      reason: 'device "x" is already registered',
    });
  });

  it('hides the details of anything else behind PROVISIONING_UNAVAILABLE', () => {
    for (const err of [
      new RegistryError('BROKER_ADMIN_REFUSED', 'broker refused createRole: internal detail'),
      new Error('connect ECONNREFUSED 10.0.0.5:5432'),
    ]) {
      const r = refusalOf(err);
      expect(r.code).toBe('PROVISIONING_UNAVAILABLE');
      expect(r.reason).not.toMatch(/detail|10\.0\.0\.5/);
    }
  });
});

describe('topicMatches', () => {
  it.each([
    ['$share/ioc-provision/ioc/provision/v1/+/request', 'ioc/provision/v1/k/request', true],
    ['ioc/provision/v1/+/request', 'ioc/provision/v1/k/request', true],
    ['ioc/provision/v1/+/request', 'ioc/provision/v1/k/response', false],
    ['ioc/provision/v1/+/request', 'ioc/provision/v1/k/request/x', false],
    ['ioc/#', 'ioc/provision/v1/k/request', true],
    ['ioc/provision/v1/+', 'ioc/provision/v1', false],
  ])('%s matches %s: %s', (filter, topic, matches) => {
    expect(topicMatches(filter, topic)).toBe(matches);
  });
});
