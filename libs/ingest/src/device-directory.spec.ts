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
    d.replaceAll([
      { id: 'cam-1', type: 'camera', status: 'active' },
      { id: 'cam-2', type: 'camera', status: 'disabled' },
    ]);
    expect(d.check({ deviceId: 'cam-1', kind: 'camera-health' })).toEqual({ ok: true });
    expect(d.check({ deviceId: 'cam-1', kind: 'water-level' })).toMatchObject({
      ok: false,
      code: 'DEVICE_KIND_MISMATCH',
    });
    expect(d.check({ deviceId: 'cam-2', kind: 'camera-health' })).toMatchObject({ ok: false, code: 'DEVICE_DISABLED' });
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
