// The server's own schemas (Node-side, zod): the spec checks the forms against them; the bundle never imports them.
import {
  CreateDeviceRequestSchema,
  CreateGatewayRequestSchema,
  CreateProvisioningKeyRequestSchema,
  ID_PATTERN as SERVER_ID_PATTERN,
  type RegistryDeviceDto,
} from '@ioc/contracts';
import {
  ANY_DEVICE,
  buildDeviceRequest,
  buildGatewayRequest,
  buildKeyRequest,
  emptyDeviceDraft,
  emptyGatewayDraft,
  emptyKeyDraft,
  filterDevices,
  ID_PATTERN,
  keyStatus,
  NO_GATEWAY,
  pageOf,
  parseDegrees,
  parseIds,
  secretText,
  type DeviceDraft,
  type Known,
} from './registry-model';

const device = (over: Partial<RegistryDeviceDto> & Pick<RegistryDeviceDto, 'id'>): RegistryDeviceDto => ({
  type: 'bin',
  name: null,
  wardId: 'ward-p3',
  lat: 9.6,
  lon: 105.97,
  status: 'active',
  gatewayId: null,
  credentialIssuedAt: '2026-12-07T01:00:00.000Z',
  provisionedBy: null,
  lastSeenAt: null,
  ...over,
});

const known: Known = { deviceIds: new Set(['bin-p3-0001', 'wl-p2-001']), gatewayIds: new Set(['gw-p3-01']) };

describe('registry: the devices table', () => {
  const devices = [
    device({ id: 'wl-p2-001', type: 'water-level-sensor', wardId: 'ward-p2', name: 'Cống Kênh Xáng' }),
    device({ id: 'bin-p3-0002', gatewayId: 'gw-p3-01' }),
    device({ id: 'bin-p3-0001', gatewayId: 'gw-p3-01', status: 'disabled' }),
    device({ id: 'cam-ql1-001', type: 'camera', wardId: 'ward-p9', credentialIssuedAt: null }),
  ];
  const ids = (f: Partial<typeof ANY_DEVICE>) => filterDevices(devices, { ...ANY_DEVICE, ...f }).map((d) => d.id);

  it('filters by id or name (any case), type, ward, status, credential and gateway, sorted by id', () => {
    expect(ids({})).toEqual(['bin-p3-0001', 'bin-p3-0002', 'cam-ql1-001', 'wl-p2-001']);
    expect(ids({ text: ' BIN-P3 ' })).toEqual(['bin-p3-0001', 'bin-p3-0002']);
    expect(ids({ text: 'kênh xáng' })).toEqual(['wl-p2-001']);
    expect(ids({ type: 'camera' })).toEqual(['cam-ql1-001']);
    expect(ids({ wardId: 'ward-p3' })).toEqual(['bin-p3-0001', 'bin-p3-0002']);
    expect(ids({ status: 'disabled' })).toEqual(['bin-p3-0001']);
    expect(ids({ status: 'no-credential' })).toEqual(['cam-ql1-001']);
    expect(ids({ gatewayId: 'gw-p3-01' })).toEqual(['bin-p3-0001', 'bin-p3-0002']);
    expect(ids({ gatewayId: NO_GATEWAY })).toEqual(['cam-ql1-001', 'wl-p2-001']);
    expect(ids({ gatewayId: 'gw-p3-01', status: 'active' })).toEqual(['bin-p3-0002']);
  });

  it('pages the 1,729 seed devices fifty at a time, clamping the page into range', () => {
    const rows = Array.from({ length: 1729 }, (_, i) => i);
    expect(pageOf(rows, 0)).toMatchObject({ page: 0, pages: 35, from: 1, to: 50 });
    expect(pageOf(rows, 34)).toMatchObject({ page: 34, from: 1701, to: 1729 });
    expect(pageOf(rows, 34).rows).toHaveLength(29);
    expect(pageOf(rows, 99).page).toBe(34);
    expect(pageOf(rows, -3).page).toBe(0);
    expect(pageOf([], 2)).toMatchObject({ page: 0, pages: 1, from: 0, to: 0, rows: [] });
  });

  it('reads a typed list of ids at commas, spaces and new lines, each once', () => {
    expect(parseIds(' a, b\nc;; a  d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseIds('  ')).toEqual([]);
  });
});

describe('registry: the create forms', () => {
  it('keeps the server’s id pattern', () => {
    expect(ID_PATTERN).toBe(SERVER_ID_PATTERN);
  });

  const draft = (over: Partial<DeviceDraft>): DeviceDraft => ({ ...emptyDeviceDraft(), ...over });

  it('builds a device by ward, or by position, that the server’s schema accepts', () => {
    const byWard = buildDeviceRequest(
      draft({ id: ' wl-p3-101 ', type: 'water-level-sensor', wardId: 'ward-p3', gatewayId: 'gw-p3-01' }),
      known,
    );
    expect(byWard).toEqual({
      ok: true,
      body: { id: 'wl-p3-101', type: 'water-level-sensor', wardId: 'ward-p3', gatewayId: 'gw-p3-01' },
    });
    if (byWard.ok) expect(CreateDeviceRequestSchema.safeParse(byWard.body).success).toBe(true);

    const byPosition = buildDeviceRequest(
      draft({
        id: 'bin-new-1',
        type: 'bin',
        name: ' Chợ Sóc Trăng ',
        placeBy: 'position',
        lat: '9,6031',
        lon: '105.9722',
      }),
      known,
    );
    expect(byPosition).toEqual({
      ok: true,
      body: { id: 'bin-new-1', type: 'bin', name: 'Chợ Sóc Trăng', lat: 9.6031, lon: 105.9722 },
    });
    if (byPosition.ok) expect(CreateDeviceRequestSchema.safeParse(byPosition.body).success).toBe(true);
  });

  it('refuses what the server refuses, and an id a device or gateway already has', () => {
    expect(buildDeviceRequest(draft({ id: 'a/b' }), known)).toEqual({
      ok: false,
      errors: ['idInvalid', 'typeMissing', 'wardMissing'],
    });
    expect(CreateDeviceRequestSchema.safeParse({ id: 'a/b', type: 'bin', wardId: 'ward-p3' }).success).toBe(false);
    expect(buildDeviceRequest(draft({ id: 'ioc-ingest-1', type: 'bin', wardId: 'ward-p1' }), known)).toEqual({
      ok: false,
      errors: ['idReserved'],
    });
    expect(buildDeviceRequest(draft({ id: 'prov-x', type: 'bin', wardId: 'ward-p1' }), known)).toMatchObject({
      errors: ['idReserved'],
    });
    expect(buildDeviceRequest(draft({ id: 'wl-p2-001', type: 'bin', wardId: 'ward-p1' }), known)).toMatchObject({
      errors: ['idTaken'],
    });
    expect(buildDeviceRequest(draft({ id: 'gw-p3-01', type: 'bin', wardId: 'ward-p1' }), known)).toMatchObject({
      errors: ['idTaken'],
    });
    expect(
      buildDeviceRequest(draft({ id: 'x1', type: 'bin', placeBy: 'position', lat: '91', lon: 'east' }), known),
    ).toEqual({ ok: false, errors: ['latInvalid', 'lonInvalid'] });
    expect(
      buildDeviceRequest(draft({ id: 'x1', type: 'bin', wardId: 'ward-p1', name: 'n'.repeat(121) }), known),
    ).toEqual({ ok: false, errors: ['nameLong'] });
  });

  it('reads degrees typed with a point or a comma, within range', () => {
    expect(parseDegrees(' -9,5 ', 90)).toBe(-9.5);
    expect(parseDegrees('180', 180)).toBe(180);
    expect(parseDegrees('180.1', 180)).toBeNaN();
    expect(parseDegrees('1e3', 180)).toBeNaN();
    expect(parseDegrees('', 90)).toBeNaN();
  });

  it('builds a gateway with registered devices only', () => {
    const r = buildGatewayRequest(
      { ...emptyGatewayDraft(['bin-p3-0001']), id: 'gw-p3-09', wardId: 'ward-p3', deviceIds: 'bin-p3-0001, wl-p2-001' },
      known,
    );
    expect(r).toEqual({
      ok: true,
      body: { id: 'gw-p3-09', wardId: 'ward-p3', deviceIds: ['bin-p3-0001', 'wl-p2-001'] },
    });
    if (r.ok) expect(CreateGatewayRequestSchema.safeParse(r.body).success).toBe(true);
    expect(buildGatewayRequest({ ...emptyGatewayDraft(), id: 'gw-x' }, known)).toEqual({
      ok: true,
      body: { id: 'gw-x' },
    });
    expect(buildGatewayRequest({ ...emptyGatewayDraft(), id: 'gw-x', deviceIds: 'nope-1' }, known)).toEqual({
      ok: false,
      errors: ['deviceIdsUnknown'],
    });
    expect(buildGatewayRequest({ ...emptyGatewayDraft(), id: 'gw-p3-01', deviceIds: 'a b/c' }, known)).toEqual({
      ok: false,
      errors: ['idTaken', 'deviceIdsInvalid'],
    });
  });

  it('builds a provisioning key, its expiry in city time, that the server’s schema accepts', () => {
    const now = Date.parse('2026-12-07T03:00:00Z'); // 10:00 in Sóc Trăng
    const r = buildKeyRequest(
      {
        ...emptyKeyDraft('2026-12-14T10:00'),
        id: 'bins-q4',
        deviceTypes: ['camera', 'bin'],
        wardIds: ['ward-p4', 'ward-p1'],
        maxDevices: '250',
      },
      now,
    );
    expect(r).toEqual({
      ok: true,
      body: {
        id: 'bins-q4',
        deviceTypes: ['bin', 'camera'],
        wardIds: ['ward-p1', 'ward-p4'],
        maxDevices: 250,
        expiresAt: '2026-12-14T10:00:00.000+07:00',
      },
    });
    if (r.ok) expect(CreateProvisioningKeyRequestSchema.safeParse(r.body).success).toBe(true);
    expect(buildKeyRequest({ ...emptyKeyDraft('2026-12-07T09:59'), id: 'B!', maxDevices: '0' }, now)).toEqual({
      ok: false,
      errors: ['keyIdInvalid', 'keyTypesMissing', 'keyMaxInvalid', 'keyExpiryPast'],
    });
    expect(
      buildKeyRequest({ ...emptyKeyDraft(''), id: 'ok-id', deviceTypes: ['bin'], maxDevices: '10001' }, now),
    ).toEqual({ ok: false, errors: ['keyMaxInvalid', 'keyExpiryMissing'] });
  });

  it('grades a key: revoked, then expired, then used up', () => {
    const now = Date.parse('2026-12-07T03:00:00Z');
    const k = { revokedAt: null, expiresAt: '2026-12-08T00:00:00Z', used: 3, maxDevices: 10 };
    expect(keyStatus(k, now)).toBe('active');
    expect(keyStatus({ ...k, used: 10 }, now)).toBe('used-up');
    expect(keyStatus({ ...k, used: 10, expiresAt: '2026-12-07T03:00:00Z' }, now)).toBe('expired');
    expect(keyStatus({ ...k, revokedAt: '2026-12-06T00:00:00Z', expiresAt: '2026-12-01T00:00:00Z' }, now)).toBe(
      'revoked',
    );
  });
});

describe('registry: credentials to copy', () => {
  it('puts the whole identity in one text', () => {
    expect(
      secretText({
        kind: 'device',
        id: 'wl-p3-101',
        credentials: {
          username: 'wl-p3-101',
          password: 'pw',
          clientId: 'wl-p3-101',
          publish: ['ioc/v1/flood/wl-p3-101/water-level'],
          subscribe: ['ioc/feedback/v1/wl-p3-101'],
        },
      }),
    ).toBe(
      [
        'username: wl-p3-101',
        'password: pw',
        'client id: wl-p3-101',
        'publish: ioc/v1/flood/wl-p3-101/water-level',
        'subscribe: ioc/feedback/v1/wl-p3-101',
      ].join('\n'),
    );
  });
});
