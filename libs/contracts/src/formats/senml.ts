import type { MessageKind, RejectionCode } from '@ioc/domain';
import { ID_PATTERN } from '../schemas/common.schema';
import { SENML_MAX_RECORDS } from '../schemas/standard.schema';
import {
  derivedMsgId,
  type SenmlMeasurement,
  type TranslateContext,
  type TranslatedMessage,
  type TranslationRejection,
  type Translator,
} from './translation';

/** The SenML version the IOC understands (RFC 8428); a pack declaring a higher bver is refused whole. */
export const SENML_VERSION = 10;
/** The name prefix that says, unambiguously, which IOC device a record is about: urn:dev:ioc:{deviceId}: */
export const SENML_DEVICE_URN = 'urn:dev:ioc:';
/** RFC 8428 §4.5.3: a resolved time below 2^28 s is relative to now (the IOC's receive time). */
const RELATIVE_TIME_LIMIT = 2 ** 28;
/** 9999-12-31T23:59:59.999Z: beyond it an ISO timestamp no longer has four year digits. */
const MAX_TIME_MS = 253_402_300_799_999;

const LEVEL_UNITS = { m: 100, cm: 1, mm: 0.1 };

/** The SenML measurements the IOC maps (docs/mqtt/senml.md lists them for integrators). */
export const SENML_MEASUREMENTS: readonly SenmlMeasurement[] = [
  {
    name: 'water-level',
    kinds: ['water-level'],
    field: 'levelCm',
    units: LEVEL_UNITS,
    primary: true,
    description: 'Water depth above the road surface (street sensor), 0 when dry.',
  },
  {
    name: 'tide',
    kinds: ['tide'],
    field: 'levelCm',
    units: LEVEL_UNITS,
    primary: true,
    description: 'River level above the national datum (tide gauge).',
  },
  {
    name: 'rain',
    kinds: ['rain'],
    field: 'rainMm',
    units: { mm: 1, m: 1000 },
    primary: true,
    description: 'Rain accumulated over the interval ending at the record time; needs a rain-interval record.',
  },
  {
    name: 'rain-interval',
    kinds: ['rain'],
    field: 'intervalS',
    units: { s: 1, min: 60, h: 3600 },
    primary: false,
    description: 'Length of the rain interval (required with rain).',
  },
  {
    name: 'fill',
    aliases: ['bin-fill'],
    kinds: ['bin-fill'],
    field: 'fillPct',
    units: { '%': 1, '/': 100 },
    primary: true,
    description: 'Waste bin fill level, in % or as a ratio 0..1.',
  },
  {
    name: 'temperature',
    kinds: ['bin-fill'],
    field: 'temperatureC',
    units: { Cel: 1, K: 1 },
    offsets: { K: -273.15 },
    primary: false,
    description: 'Temperature inside the bin.',
  },
  {
    name: 'battery',
    kinds: ['water-level', 'rain', 'tide', 'bin-fill'],
    field: 'batteryPct',
    units: { '%': 1, '%EL': 1 },
    primary: false,
    description: 'Battery charge of the device, added to its measurement at the same time.',
  },
];

const MEASUREMENT_BY_NAME: ReadonlyMap<string, SenmlMeasurement> = new Map(
  SENML_MEASUREMENTS.flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n) => [n, m] as const)),
);
const KNOWN_NAMES = [...MEASUREMENT_BY_NAME.keys()].join(', ');

type FieldType = 'string' | 'number' | 'boolean';
/** RFC 8428 §4.1–4.2 labels and their JSON types; other labels (not ending in "_") are ignored, as the RFC says. */
const FIELD_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ['bn', 'string'],
  ['bt', 'number'],
  ['bu', 'string'],
  ['bv', 'number'],
  ['bs', 'number'],
  ['bver', 'number'],
  ['n', 'string'],
  ['u', 'string'],
  ['v', 'number'],
  ['vs', 'string'],
  ['vb', 'boolean'],
  ['vd', 'string'],
  ['s', 'number'],
  ['t', 'number'],
  ['ut', 'number'],
]);
const BASE_FIELDS = ['bn', 'bt', 'bu', 'bv', 'bs', 'bver'] as const;
type BaseField = (typeof BASE_FIELDS)[number];
const VALUE_FIELDS = ['v', 'vs', 'vb', 'vd'] as const;
/** RFC 8428 §4.5.1: the characters a resolved name may use, starting with a letter or digit. */
const NAME_RE = /^[A-Za-z0-9][-:./_A-Za-z0-9]*$/;
const ID_RE = new RegExp(ID_PATTERN);

type Rec = Record<string, unknown>;

function own(rec: Rec, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

const isRecord = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A name or label quoted for a reason, cut so a hostile pack cannot make reasons huge. */
function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

/** Drops float noise of a conversion (0.07 m × 100 = 7.000000000000001 cm). */
const tidy = (x: number): number => Number.parseFloat(x.toPrecision(12));

/** The base fields in force for a record: a value, or a pointer to the refused record that set it last. */
interface Base {
  bn: string;
  bt: number;
  bu?: string;
  bv: number;
  /** Base fields last set by a refused record: their value is unknown, so records relying on them are refused too. */
  unknown: Map<BaseField, number>;
}

interface Refusal {
  readonly code: RejectionCode;
  readonly reason: string;
  readonly deviceId?: string;
  readonly source: unknown;
}

/** A record that resolved to a mapped measurement of one device at one time. */
interface Resolved {
  readonly index: number;
  readonly deviceId: string;
  readonly measurement: SenmlMeasurement;
  readonly ms: number;
  readonly value: number;
  readonly source: Rec;
}

/** One primary record's message being assembled. */
interface Draft {
  readonly kind: MessageKind;
  readonly record: Resolved;
  readonly fields: Rec;
  readonly sources: Rec[];
}

/**
 * SenML (RFC 8428, JSON) packs into native messages; docs/mqtt/senml.md is the integrators' account of these rules.
 * Each record is resolved (base fields, name, unit, time) and judged alone; records of one device at one time then make
 * one message per primary measurement, completed by the others (battery, rain-interval, temperature).
 */
export const translateSenml: Translator = (json, ctx) => {
  const whole = (reason: string) => ({
    messages: [],
    rejected: [{ code: 'SENML_INVALID' as const, reason, deviceId: ctx.deviceId }],
  });
  if (!Array.isArray(json)) return whole('a SenML pack must be a JSON array of records');
  if (json.length === 0) return whole('the SenML pack has no records');
  if (json.length > SENML_MAX_RECORDS) {
    return whole(`the SenML pack has ${json.length} records; the limit is ${SENML_MAX_RECORDS}`);
  }
  for (const rec of json as unknown[]) {
    const bver = isRecord(rec) ? own(rec, 'bver') : undefined;
    if (isNum(bver) && bver > SENML_VERSION) {
      return whole(`the SenML pack declares bver ${bver}; the IOC understands up to ${SENML_VERSION}`);
    }
  }

  const rejected: TranslationRejection[] = [];
  const resolved: Resolved[] = [];
  const base: Base = { bn: '', bt: 0, bv: 0, unknown: new Map() };
  (json as unknown[]).forEach((raw, index) => {
    const r = resolveRecord(raw, index, base, ctx);
    if ('code' in r) rejected.push({ code: r.code, reason: r.reason, deviceId: r.deviceId, source: [r.source] });
    else resolved.push(r);
  });

  const groups = new Map<string, Resolved[]>();
  for (const r of resolved) {
    const key = `${r.deviceId}\n${r.ms}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const messages: TranslatedMessage[] = [];
  for (const group of groups.values()) assemble(group, ctx, messages, rejected);
  return { messages, rejected };
};

/** Resolves one record against the base fields in force (RFC 8428 §4.6), updating them. */
function resolveRecord(raw: unknown, index: number, base: Base, ctx: TranslateContext): Resolved | Refusal {
  const at = `records[${index}]`;
  const inForce = { bn: base.bn || undefined, bt: base.bt || undefined, bu: base.bu, bv: base.bv || undefined };
  if (!isRecord(raw)) {
    return { code: 'SENML_INVALID', reason: `${at} is not an object`, deviceId: ctx.deviceId, source: raw };
  }
  const malformed = checkFields(raw);
  if (malformed !== undefined) {
    // Whatever base fields it carries are now unknown: later records relying on them must not be misread.
    for (const f of BASE_FIELDS) if (own(raw, f) !== undefined) base.unknown.set(f, index);
    return {
      code: 'SENML_INVALID',
      reason: `${at} ${malformed}`,
      deviceId: ctx.deviceId,
      source: { ...inForce, ...raw },
    };
  }
  const bn = own(raw, 'bn') as string | undefined;
  const bt = own(raw, 'bt') as number | undefined;
  const bu = own(raw, 'bu') as string | undefined;
  const bv = own(raw, 'bv') as number | undefined;
  if (bn !== undefined) base.bn = bn;
  if (bt !== undefined) base.bt = bt;
  if (bu !== undefined) base.bu = bu;
  if (bv !== undefined) base.bv = bv;
  for (const f of BASE_FIELDS) if (own(raw, f) !== undefined) base.unknown.delete(f);

  const n = (own(raw, 'n') as string | undefined) ?? '';
  const t = (own(raw, 't') as number | undefined) ?? 0;
  const u = (own(raw, 'u') as string | undefined) ?? base.bu;
  const v = own(raw, 'v') as number | undefined;
  const name = base.bn + n;
  const seconds = base.bt + t;
  const ms = Math.round(seconds < RELATIVE_TIME_LIMIT ? ctx.receivedAt.getTime() + seconds * 1000 : seconds * 1000);
  const value = v === undefined ? undefined : base.bv + v;
  const source: Rec = { n: name };
  if (Number.isFinite(ms)) source.t = ms / 1000;
  if (u !== undefined) source.u = u;
  if (value !== undefined) source.v = value;
  for (const f of ['vs', 'vb', 'vd', 's', 'ut']) if (own(raw, f) !== undefined) source[f] = own(raw, f);

  const refuse = (code: RejectionCode, reason: string, deviceId = ctx.deviceId): Refusal => ({
    code,
    reason: `${at} (${quote(name)}): ${reason}`,
    deviceId,
    source,
  });
  const relied: BaseField[] = ['bn', 'bt'];
  if (own(raw, 'u') === undefined) relied.push('bu');
  if (v !== undefined) relied.push('bv');
  for (const f of relied) {
    const from = base.unknown.get(f);
    if (from !== undefined)
      return refuse('SENML_INVALID', `its ${f} is the one of records[${from}], which was refused`);
  }
  if (!NAME_RE.test(name)) {
    return refuse(
      'SENML_INVALID',
      name === ''
        ? 'no name (bn + n is empty)'
        : 'the name may use only letters, digits and - : . / _ and must start with a letter or digit',
    );
  }

  const cut = Math.max(name.lastIndexOf(':'), name.lastIndexOf('/'));
  const measurementName = name.slice(cut + 1);
  let deviceId: string | undefined = ctx.deviceId;
  if (cut >= 0) {
    const prefix = name.startsWith(SENML_DEVICE_URN) ? name.slice(SENML_DEVICE_URN.length, cut) : name.slice(0, cut);
    if (!ID_RE.test(prefix)) {
      return refuse('SENML_NAME_UNKNOWN', `the device part ${quote(prefix)} is not a device id (${ID_PATTERN})`);
    }
    deviceId = prefix;
  }
  // On a device's own topic a refusal is the publisher's: its notice must not go to a device the pack names.
  const about = ctx.deviceId ?? deviceId;
  const measurement = MEASUREMENT_BY_NAME.get(measurementName);
  if (measurement === undefined) {
    return refuse(
      'SENML_NAME_UNKNOWN',
      `unknown measurement ${quote(measurementName)}; the IOC maps ${KNOWN_NAMES}`,
      about,
    );
  }
  if (deviceId === undefined) {
    return refuse(
      'SENML_NAME_UNKNOWN',
      'the name names no device; on a gateway or bridge topic every name starts with urn:dev:ioc:{deviceId}:, {deviceId}: or {deviceId}/',
    );
  }
  const accepted = Object.keys(measurement.units).join(', ');
  if (u === undefined) {
    return refuse('SENML_UNIT_INVALID', `${measurement.name} needs a unit (u or bu); accepted ${accepted}`, about);
  }
  const factor = Object.prototype.hasOwnProperty.call(measurement.units, u) ? measurement.units[u] : undefined;
  if (factor === undefined) {
    return refuse('SENML_UNIT_INVALID', `${measurement.name} unit: got ${quote(u)}, accepted ${accepted}`, about);
  }
  if (value === undefined || !Number.isFinite(value)) {
    const given = VALUE_FIELDS.filter((f) => own(raw, f) !== undefined);
    return refuse(
      'SENML_INVALID',
      `${measurement.name} needs a numeric value (v)${given.length ? `, got ${given.join(', ')}` : ''}`,
      about,
    );
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    return refuse('SENML_INVALID', `the resolved time (bt + t = ${seconds} s) is out of range`, about);
  }
  const offset = measurement.offsets && own(measurement.offsets, u);
  const converted = tidy(value * factor + (isNum(offset) ? offset : 0));
  return { index, deviceId, measurement, ms, value: converted, source };
}

/** Why a record is malformed (a must-understand label, a label of the wrong type, two values), or undefined. */
function checkFields(rec: Rec): string | undefined {
  for (const key of Object.keys(rec)) {
    if (key.endsWith('_')) return `has the must-understand label ${quote(key)}, which the IOC does not understand`;
    const type = FIELD_TYPES.get(key);
    const value = rec[key];
    if (type === undefined) continue;
    const ok = type === 'number' ? isNum(value) : typeof value === type;
    if (!ok) return `label ${key} must be a ${type === 'number' ? 'finite number' : type}`;
  }
  if (VALUE_FIELDS.filter((f) => own(rec, f) !== undefined).length > 1)
    return 'has more than one value (v, vs, vb, vd)';
  return undefined;
}

/** Records of one device at one time: one message per primary measurement, completed by the other records. */
function assemble(
  group: Resolved[],
  ctx: TranslateContext,
  messages: TranslatedMessage[],
  rejected: TranslationRejection[],
): void {
  const { deviceId, ms } = group[0];
  const ts = new Date(ms).toISOString();
  const about = ctx.deviceId ?? deviceId;
  const refuse = (r: Resolved, code: RejectionCode, reason: string) =>
    rejected.push({
      code,
      reason: `records[${r.index}] (${quote(String(r.source.n))}): ${reason}`,
      deviceId: about,
      source: [r.source],
    });

  const drafts: Draft[] = [];
  for (const r of group) {
    if (!r.measurement.primary) continue;
    const kind = r.measurement.kinds[0];
    if (drafts.some((d) => d.kind === kind)) {
      refuse(r, 'SENML_INVALID', `a second ${kind} measurement of ${deviceId} at ${ts} (duplicate)`);
      continue;
    }
    drafts.push({ kind, record: r, fields: { [r.measurement.field]: r.value }, sources: [r.source] });
  }
  for (const r of group) {
    const m = r.measurement;
    if (m.primary) continue;
    if (drafts.length === 0) {
      refuse(r, 'SENML_INVALID', `${m.name} record has no measurement of the same device at the same time`);
      continue;
    }
    const targets = drafts.filter((d) => m.kinds.includes(d.kind));
    if (targets.length === 0) {
      refuse(
        r,
        'SENML_NAME_UNKNOWN',
        `${m.name} completes a ${m.kinds.join(' or ')} message, but ${deviceId} has only ${drafts.map((d) => d.kind).join(', ')} at ${ts}`,
      );
      continue;
    }
    const open = targets.filter((d) => !(m.field in d.fields));
    if (open.length === 0) {
      refuse(r, 'SENML_INVALID', `a second ${m.name} record of ${deviceId} at ${ts} (duplicate)`);
      continue;
    }
    for (const d of open) {
      d.fields[m.field] = r.value;
      d.sources.push(r.source);
    }
  }
  for (const d of drafts) {
    const msgId = derivedMsgId('senml', deviceId, d.kind, ts);
    if (d.kind === 'rain' && !('intervalS' in d.fields)) {
      rejected.push({
        code: 'SENML_INVALID',
        reason: `records[${d.record.index}] (${quote(String(d.record.source.n))}): rain needs a rain-interval record at the same time`,
        deviceId: about,
        msgId,
        source: d.sources,
      });
      continue;
    }
    messages.push({ deviceId, kind: d.kind, body: { msgId, ts, ...d.fields }, source: d.sources });
  }
}
