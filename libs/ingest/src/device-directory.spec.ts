import { DeviceDirectory, LastSeenTracker } from './device-directory';

describe('DeviceDirectory', () => {
  it('registers unknown devices with the type their message implies', () => {
    const d = new DeviceDirectory('register');
    expect(d.check({ deviceId: 'bin-1', kind: 'bin-fill' })).toEqual({
      ok: true,
      newDevice: { id: 'bin-1', type: 'bin', domain: 'waste' },
    });
    d.confirm([{ id: 'bin-1', type: 'bin', domain: 'waste' }]);
    expect(d.check({ deviceId: 'bin-1', kind: 'bin-fill' })).toEqual({ ok: true });
  });

  it('rejects unknown devices when the policy says so', () => {
    const d = new DeviceDirectory('reject');
    expect(d.check({ deviceId: 'x', kind: 'rain' })).toMatchObject({ ok: false, code: 'DEVICE_UNKNOWN' });
  });

  it('rejects disabled devices and kinds the device type does not send', () => {
    const d = new DeviceDirectory('register');
    d.replaceAll(
      [
        { id: 'cam-1', type: 'camera', status: 'active' },
        { id: 'cam-2', type: 'camera', status: 'disabled' },
      ],
      [],
    );
    expect(d.check({ deviceId: 'cam-1', kind: 'camera-health' })).toEqual({ ok: true });
    expect(d.check({ deviceId: 'cam-1', kind: 'water-level' })).toMatchObject({
      ok: false,
      code: 'DEVICE_KIND_MISMATCH',
    });
    expect(d.check({ deviceId: 'cam-2', kind: 'camera-health' })).toMatchObject({ ok: false, code: 'DEVICE_DISABLED' });
  });
});

describe('DeviceDirectory with gateways', () => {
  const entry = (deviceId: string, gatewayId: string) => ({ deviceId, kind: 'water-level' as const, gatewayId });

  function directory(policy: 'register' | 'reject' = 'reject'): DeviceDirectory {
    const d = new DeviceDirectory(policy);
    d.replaceAll(
      [
        { id: 'wl-1', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-a' },
        { id: 'wl-2', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-b' },
        { id: 'wl-3', type: 'water-level-sensor', status: 'active' },
        { id: 'wl-4', type: 'water-level-sensor', status: 'disabled', gatewayId: 'gw-a' },
      ],
      [
        { id: 'gw-a', status: 'active' },
        { id: 'gw-b', status: 'disabled' },
      ],
    );
    return d;
  }

  it('accepts an entry of a device assigned to the gateway', () => {
    expect(directory().check(entry('wl-1', 'gw-a'))).toEqual({ ok: true });
  });

  it('refuses entries for devices assigned elsewhere, to no gateway, or unknown, all alike', () => {
    const d = directory();
    for (const id of ['wl-2', 'wl-3', 'nobody']) {
      expect(d.check(entry(id, 'gw-a'))).toEqual({
        ok: false,
        code: 'GATEWAY_DEVICE_NOT_ASSIGNED',
        reason: `device "${id}" is not assigned to gateway "gw-a"`,
      });
    }
  });

  it('refuses every entry of an unregistered or disabled gateway', () => {
    const d = directory();
    expect(d.check(entry('wl-1', 'gw-x'))).toEqual({
      ok: false,
      code: 'GATEWAY_UNKNOWN',
      reason: 'gateway "gw-x" is not registered',
    });
    expect(d.check(entry('wl-2', 'gw-b'))).toEqual({
      ok: false,
      code: 'GATEWAY_UNKNOWN',
      reason: 'gateway "gw-b" is disabled',
    });
  });

  it('still judges the device of an assigned entry: disabled, wrong kind', () => {
    const d = directory();
    expect(d.check(entry('wl-4', 'gw-a'))).toMatchObject({ ok: false, code: 'DEVICE_DISABLED' });
    expect(d.check({ deviceId: 'wl-1', kind: 'rain', gatewayId: 'gw-a' })).toMatchObject({
      ok: false,
      code: 'DEVICE_KIND_MISMATCH',
    });
  });

  it('lets a device assigned to a gateway publish on its own topic (fail-over to direct)', () => {
    const d = directory();
    expect(d.check({ deviceId: 'wl-1', kind: 'water-level' })).toEqual({ ok: true });
    expect(d.check({ deviceId: 'wl-2', kind: 'water-level' })).toEqual({ ok: true });
  });

  it('under `register` lets unregistered gateways through, but a registered one speaks only for its devices', () => {
    const d = directory('register');
    expect(d.check(entry('new-1', 'gw-x'))).toEqual({
      ok: true,
      newDevice: { id: 'new-1', type: 'water-level-sensor', domain: 'flood' },
    });
    expect(d.check(entry('wl-1', 'gw-x'))).toEqual({ ok: true });
    expect(d.check(entry('new-1', 'gw-a'))).toMatchObject({ ok: false, code: 'GATEWAY_DEVICE_NOT_ASSIGNED' });
    expect(d.check(entry('wl-1', 'gw-b'))).toMatchObject({ ok: false, code: 'GATEWAY_UNKNOWN' });
  });

  it('follows the registry between reloads: upserts and removals', () => {
    const d = directory();
    d.upsertGateway({ id: 'gw-c', status: 'active' });
    d.upsertDevice({ id: 'wl-3', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-c' });
    expect(d.check(entry('wl-3', 'gw-c'))).toEqual({ ok: true });

    d.upsertGateway({ id: 'gw-c', status: 'disabled' });
    expect(d.check(entry('wl-3', 'gw-c'))).toMatchObject({ ok: false, code: 'GATEWAY_UNKNOWN' });
    d.upsertGateway({ id: 'gw-c', status: 'active' });
    d.removeGateway('gw-c');
    expect(d.check(entry('wl-3', 'gw-c'))).toMatchObject({ ok: false, code: 'GATEWAY_UNKNOWN' });

    d.upsertDevice({ id: 'wl-1', type: 'water-level-sensor', status: 'active' });
    expect(d.check(entry('wl-1', 'gw-a'))).toMatchObject({ ok: false, code: 'GATEWAY_DEVICE_NOT_ASSIGNED' });
    d.removeDevice('wl-1');
    expect(d.check({ deviceId: 'wl-1', kind: 'water-level' })).toMatchObject({ ok: false, code: 'DEVICE_UNKNOWN' });
    expect([d.size, d.gatewayCount]).toEqual([3, 2]);
  });

  it('replaceAll forgets what the new snapshot does not hold', () => {
    const d = directory();
    d.replaceAll([{ id: 'wl-1', type: 'water-level-sensor', status: 'active' }], []);
    expect(d.check(entry('wl-1', 'gw-a'))).toMatchObject({ ok: false, code: 'GATEWAY_UNKNOWN' });
    expect(d.check({ deviceId: 'wl-2', kind: 'water-level' })).toMatchObject({ ok: false, code: 'DEVICE_UNKNOWN' });
  });
});

describe('LastSeenTracker', () => {
  it('keeps the latest time per device and hands it over once', () => {
    const t = new LastSeenTracker();
    t.note('a', new Date(2000));
    t.note('a', new Date(1000));
    t.note('b', new Date(3000));
    expect(t.take()).toEqual([
      { deviceId: 'a', lastSeen: new Date(2000) },
      { deviceId: 'b', lastSeen: new Date(3000) },
    ]);
    expect(t.take()).toEqual([]);
    t.restore([{ deviceId: 'a', lastSeen: new Date(2000) }]);
    t.note('a', new Date(1500));
    expect(t.take()).toEqual([{ deviceId: 'a', lastSeen: new Date(2000) }]);
  });
});
