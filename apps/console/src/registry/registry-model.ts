import type {
  CreateDeviceRequest,
  CreateGatewayRequest,
  CreateProvisioningKeyRequest,
  MqttCredentials,
  ProvisioningKeyDto,
  RegistryDeviceDto,
} from '@ioc/contracts';
import { DEVICE_TYPES, type DeviceType } from '@ioc/domain';
import type { Checked } from '../forms/use-checked-form';
import { cityIso, parseCityLocal } from '../silences/silence-form';

/**
 * The registry page's rules: the devices table's filter and pages, and the create forms' checks (the server's
 * `registry.dto.ts` schemas, mirrored so an integrator hears what is wrong before sending). Pure: no I/O, no React.
 */

/** Device and gateway ids travel in MQTT topic levels (the contracts' `ID_PATTERN`, which the bundle cannot import). */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$';
const ID = new RegExp(ID_PATTERN);
/** Provisioning key ids: 2–40 of a–z, 0–9 and "-". */
const KEY_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** Ids the IOC keeps for its own broker identities (the registry's `RESERVED_ID_PREFIXES`). */
export const RESERVED_ID_PREFIXES = ['ioc-', 'prov-'] as const;
export const MAX_NAME = 120;
export const MAX_KEY_DEVICES = 10_000;

// ── The devices table ───────────────────────────────────────────────────────────────────────────────────────────

/** Empty strings: any. `gatewayId` NONE: devices that hang off no gateway. */
export interface DeviceFilter {
  readonly text: string;
  readonly type: string;
  readonly wardId: string;
  readonly status: '' | 'active' | 'disabled' | 'no-credential';
  readonly gatewayId: string;
}
export const NO_GATEWAY = '-';
export const ANY_DEVICE: DeviceFilter = { text: '', type: '', wardId: '', status: '', gatewayId: '' };

/** The devices the filter lets through, by id. `text` is found in the id or the name, whatever its case. */
export function filterDevices(devices: readonly RegistryDeviceDto[], f: DeviceFilter): RegistryDeviceDto[] {
  const text = f.text.trim().toLowerCase();
  return devices
    .filter(
      (d) =>
        (!text || d.id.toLowerCase().includes(text) || (d.name ?? '').toLowerCase().includes(text)) &&
        (!f.type || d.type === f.type) &&
        (!f.wardId || d.wardId === f.wardId) &&
        (!f.status || (f.status === 'no-credential' ? d.credentialIssuedAt === null : d.status === f.status)) &&
        (!f.gatewayId || (f.gatewayId === NO_GATEWAY ? d.gatewayId === null : d.gatewayId === f.gatewayId)),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
}

export const PAGE_SIZE = 50;

/** One page of `rows` (0-based, clamped into range) and where it sits among them. */
export function pageOf<T>(
  rows: readonly T[],
  page: number,
  size = PAGE_SIZE,
): {
  readonly rows: readonly T[];
  readonly page: number;
  readonly pages: number;
  readonly from: number;
  readonly to: number;
} {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const from = p * size;
  const shown = rows.slice(from, from + size);
  return { rows: shown, page: p, pages, from: shown.length ? from + 1 : 0, to: from + shown.length };
}

/** Ids typed in a list: split at commas, spaces and new lines, each once, in their order. */
export function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

// ── The create forms ────────────────────────────────────────────────────────────────────────────────────────────

export type PlaceBy = 'ward' | 'position';

export interface DeviceDraft {
  readonly id: string;
  readonly type: DeviceType | '';
  readonly name: string;
  readonly placeBy: PlaceBy;
  readonly wardId: string;
  readonly lat: string;
  readonly lon: string;
  readonly gatewayId: string;
}

export const emptyDeviceDraft = (): DeviceDraft => ({
  id: '',
  type: '',
  name: '',
  placeBy: 'ward',
  wardId: '',
  lat: '',
  lon: '',
  gatewayId: '',
});

export type RegistryFormError =
  | 'idInvalid'
  | 'idReserved'
  | 'idTaken'
  | 'typeMissing'
  | 'nameLong'
  | 'wardMissing'
  | 'latInvalid'
  | 'lonInvalid'
  | 'deviceIdsInvalid'
  | 'deviceIdsUnknown'
  | 'keyIdInvalid'
  | 'keyTypesMissing'
  | 'keyMaxInvalid'
  | 'keyExpiryMissing'
  | 'keyExpiryPast';

/** What the forms check an id against: the ids already registered (a clash the server would refuse, 409). */
export interface Known {
  readonly deviceIds: ReadonlySet<string>;
  readonly gatewayIds: ReadonlySet<string>;
}

/**
 * A device and a gateway are both a username on the broker, so a new id must be neither's (the server checks only its
 * own table).
 */
function checkId(id: string, known: Known, errors: RegistryFormError[]): void {
  if (!ID.test(id)) errors.push('idInvalid');
  else if (RESERVED_ID_PREFIXES.some((p) => id.startsWith(p))) errors.push('idReserved');
  else if (known.deviceIds.has(id) || known.gatewayIds.has(id)) errors.push('idTaken');
}

/** A decimal degree within ±`max`, typed with a point or a comma; NaN otherwise. */
export function parseDegrees(value: string, max: number): number {
  const v = value.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(v)) return Number.NaN;
  const n = Number(v);
  return Math.abs(n) <= max ? n : Number.NaN;
}

/** The request the device draft makes, or every reason it cannot be sent. */
export function buildDeviceRequest(draft: DeviceDraft, known: Known): Checked<CreateDeviceRequest, RegistryFormError> {
  const errors: RegistryFormError[] = [];
  const id = draft.id.trim();
  checkId(id, known, errors);
  if (!draft.type || !(DEVICE_TYPES as readonly string[]).includes(draft.type)) errors.push('typeMissing');
  const name = draft.name.trim();
  if (name.length > MAX_NAME) errors.push('nameLong');
  let place: Pick<CreateDeviceRequest, 'wardId' | 'lat' | 'lon'>;
  if (draft.placeBy === 'ward') {
    if (!draft.wardId) errors.push('wardMissing');
    place = { wardId: draft.wardId };
  } else {
    const lat = parseDegrees(draft.lat, 90);
    const lon = parseDegrees(draft.lon, 180);
    if (Number.isNaN(lat)) errors.push('latInvalid');
    if (Number.isNaN(lon)) errors.push('lonInvalid');
    place = { lat, lon };
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      id,
      type: draft.type as DeviceType,
      ...(name && { name }),
      ...place,
      ...(draft.gatewayId && { gatewayId: draft.gatewayId }),
    },
  };
}

export interface GatewayDraft {
  readonly id: string;
  readonly name: string;
  readonly wardId: string;
  /** Device ids, as typed or added from the devices table's selection. */
  readonly deviceIds: string;
}

export const emptyGatewayDraft = (deviceIds: readonly string[] = []): GatewayDraft => ({
  id: '',
  name: '',
  wardId: '',
  deviceIds: deviceIds.join('\n'),
});

/** The request the gateway draft makes, or every reason it cannot be sent (devices must be registered ones). */
export function buildGatewayRequest(
  draft: GatewayDraft,
  known: Known,
): Checked<CreateGatewayRequest, RegistryFormError> {
  const errors: RegistryFormError[] = [];
  const id = draft.id.trim();
  checkId(id, known, errors);
  const name = draft.name.trim();
  if (name.length > MAX_NAME) errors.push('nameLong');
  const deviceIds = parseIds(draft.deviceIds);
  if (deviceIds.some((d) => !ID.test(d))) errors.push('deviceIdsInvalid');
  else if (deviceIds.some((d) => !known.deviceIds.has(d))) errors.push('deviceIdsUnknown');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      id,
      ...(name && { name }),
      ...(draft.wardId && { wardId: draft.wardId }),
      ...(deviceIds.length && { deviceIds }),
    },
  };
}

/** The typed ids that are not registered devices (the form names a few). */
export const unknownIds = (text: string, known: Known): string[] =>
  parseIds(text).filter((d) => ID.test(d) && !known.deviceIds.has(d));

export interface KeyDraft {
  readonly id: string;
  readonly deviceTypes: readonly DeviceType[];
  /** None: any ward. */
  readonly wardIds: readonly string[];
  readonly maxDevices: string;
  /** `datetime-local`, city time. */
  readonly expiresAt: string;
}

export const emptyKeyDraft = (expiresAt: string): KeyDraft => ({
  id: '',
  deviceTypes: [],
  wardIds: [],
  maxDevices: '100',
  expiresAt,
});

/** The request the provisioning key draft makes at `now`, or every reason it cannot be sent. */
export function buildKeyRequest(
  draft: KeyDraft,
  now: number,
): Checked<CreateProvisioningKeyRequest, RegistryFormError> {
  const errors: RegistryFormError[] = [];
  const id = draft.id.trim();
  if (!KEY_ID.test(id)) errors.push('keyIdInvalid');
  if (draft.deviceTypes.length === 0) errors.push('keyTypesMissing');
  const max = /^\d+$/.test(draft.maxDevices.trim()) ? Number(draft.maxDevices.trim()) : Number.NaN;
  if (!(max >= 1 && max <= MAX_KEY_DEVICES)) errors.push('keyMaxInvalid');
  const expires = parseCityLocal(draft.expiresAt);
  if (Number.isNaN(expires)) errors.push('keyExpiryMissing');
  else if (expires <= now) errors.push('keyExpiryPast');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      id,
      deviceTypes: DEVICE_TYPES.filter((t) => draft.deviceTypes.includes(t)),
      wardIds: [...draft.wardIds].sort(),
      maxDevices: max,
      expiresAt: cityIso(expires),
    },
  };
}

export type KeyStatus = 'active' | 'used-up' | 'expired' | 'revoked';

/** Revoked before anything; then expired; then used up. */
export function keyStatus(
  k: Pick<ProvisioningKeyDto, 'revokedAt' | 'expiresAt' | 'used' | 'maxDevices'>,
  now: number,
): KeyStatus {
  if (k.revokedAt) return 'revoked';
  if (Date.parse(k.expiresAt) <= now) return 'expired';
  if (k.used >= k.maxDevices) return 'used-up';
  return 'active';
}

// ── Credentials shown once ──────────────────────────────────────────────────────────────────────────────────────

/** What the credentials dialog shows: a device's or gateway's MQTT identity, or a provisioning key's secret. */
export type SecretShown =
  | { readonly kind: 'device' | 'gateway'; readonly id: string; readonly credentials: MqttCredentials }
  | { readonly kind: 'key'; readonly id: string; readonly key: ProvisioningKeyDto; readonly secret: string };

/** The whole secret as one text to paste into a device's configuration. */
export function secretText(s: SecretShown): string {
  if (s.kind === 'key')
    return [
      `username: ${s.key.username}`,
      `password: ${s.secret}`,
      `request topic: ${s.key.requestTopic}`,
      `response topic: ${s.key.responseTopic}`,
    ].join('\n');
  const c = s.credentials;
  return [
    `username: ${c.username}`,
    `password: ${c.password}`,
    `client id: ${c.clientId}`,
    ...c.publish.map((t) => `publish: ${t}`),
    ...c.subscribe.map((t) => `subscribe: ${t}`),
  ].join('\n');
}
