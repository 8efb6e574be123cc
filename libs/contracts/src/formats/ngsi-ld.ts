import type { MessageKind, RejectionCode } from '@ioc/domain';
import { ATTRS_LIMITS, ID_PATTERN } from '../schemas/common.schema';
import {
  derivedMsgId,
  type NgsiLdMapping,
  type TranslateContext,
  type TranslatedMessage,
  type Translation,
  type TranslationRejection,
  type Translator,
} from './translation';

/** Most entities one payload (an entity array or a notification's data) may carry. */
export const NGSI_LD_MAX_ENTITIES = 500;

/**
 * The FIWARE Smart Data Models the IOC maps. Drives the translator's documentation (docs/mqtt/ngsi-ld.md); the unit
 * and time rules are in the notes.
 */
export const NGSI_LD_MAPPINGS: readonly NgsiLdMapping[] = [
  {
    type: 'FloodMonitoring',
    kind: 'water-level',
    attributes: [
      {
        attribute: 'currentLevel',
        field: 'levelCm',
        note: 'metres by the model (unitCode MTR in its example): ×100; unitCode MTR ×100, CMT ×1, MMT ×0.1',
      },
      {
        attribute: 'observationDateTime',
        field: 'ts',
        note: "the model's observation time, used when currentLevel has no observedAt and there is no dateObserved",
      },
    ],
    description: 'A flood sensing station: its current level becomes a water-level message.',
  },
  {
    type: 'WaterObserved',
    kind: 'water-level',
    attributes: [
      {
        attribute: 'height',
        field: 'levelCm',
        note: 'metres when no unitCode: ×100; unitCode MTR ×100, CMT ×1, MMT ×0.1',
      },
    ],
    description: 'A water observation: its height becomes a water-level message.',
  },
  {
    type: 'WasteContainer',
    kind: 'bin-fill',
    attributes: [
      {
        attribute: 'fillingLevel',
        field: 'fillPct',
        note: 'a ratio 0..1 by the model: ×100; unitCode P1 (percent) taken as is, C62 (ratio) ×100',
      },
      {
        attribute: 'temperature',
        field: 'temperatureC',
        note: 'optional; °C when no unitCode; unitCode CEL as is, FAH and KEL converted',
      },
    ],
    description: "A waste container's fill level becomes a bin-fill message.",
  },
  {
    type: 'TrafficFlowObserved',
    kind: 'camera-traffic',
    attributes: [
      { attribute: 'intensity', field: 'lanes[0].vehicleCount', note: 'vehicles in the observation period' },
      {
        attribute: 'averageVehicleSpeed',
        field: 'lanes[0].avgSpeedKmh',
        note: 'km/h when no unitCode; unitCode KMH as is, MTS (m/s) ×3.6',
      },
      { attribute: 'laneId', field: 'lanes[0].lane', note: '1 when absent' },
      {
        attribute: 'dateObservedFrom, dateObservedTo',
        field: 'intervalS',
        note: 'seconds between them (else an ISO 8601 interval in dateObserved); required',
      },
      {
        attribute: 'congested, occupancy',
        field: 'congestion',
        note: 'congested true → heavy, false → free; else occupancy (ratio; P1 percent) <0.3 free, <0.6 moderate, <0.85 heavy, else jammed; neither → free',
      },
    ],
    description: 'A traffic flow observation on one lane becomes a camera-traffic message with one lane.',
  },
];

/** Time attributes read, in order, when the mapped attribute carries no observedAt. */
const TIME_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  FloodMonitoring: ['dateObserved', 'dateObservedTo', 'observationDateTime', 'TimeInstant'],
  WaterObserved: ['dateObserved', 'dateObservedTo', 'TimeInstant'],
  WasteContainer: ['dateObserved', 'dateObservedTo', 'TimeInstant'],
  TrafficFlowObserved: ['dateObserved', 'dateObservedTo', 'TimeInstant'],
};

const idRe = new RegExp(ID_PATTERN);
/** An NGSI-LD entity URN, urn:ngsi-ld:<Type>:<rest>; older Smart Data Models examples write urn:ngsi: or uri:ngsi:. */
const ENTITY_URN = /^(?:urn|uri):ngsi(?:-ld)?:([^:]+):(.+)$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Float noise of unit conversion (1.98 × 100) is not data. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** An attribute name or type: an absolute IRI is compacted to its last path segment or fragment. */
function compact(name: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return name;
  const tail = name.split(/[#/]/).filter((s) => s !== '');
  return tail.length > 1 ? tail[tail.length - 1] : name;
}

/** One attribute, normalized or key-values, reduced to its value and the sub-properties the IOC reads. */
interface Attr {
  readonly value: unknown;
  readonly observedAt?: unknown;
  readonly unitCode?: unknown;
}

function attr(raw: unknown): Attr {
  let a = raw;
  // A multi-attribute (several instances by datasetId): the default instance, else the first.
  if (Array.isArray(a) && a.length > 0 && a.every((i) => isObj(i) && typeof i.type === 'string')) {
    a = (a as Obj[]).find((i) => i.datasetId === undefined) ?? a[0];
  }
  if (isObj(a) && typeof a.type === 'string' && ('value' in a || 'object' in a)) {
    const value = 'value' in a ? a.value : a.object;
    return { value: typedValue(value), observedAt: a.observedAt, unitCode: a.unitCode };
  }
  return { value: typedValue(a) };
}

/** A JSON-LD value object ({"@type": "DateTime", "@value": …}) is its @value. */
const typedValue = (v: unknown): unknown => (isObj(v) && '@value' in v ? v['@value'] : v);

/** An RFC 3339 time as ISO (UTC); NGSI-LD times are UTC, so one without offset is read as UTC. */
function isoTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || !DATE_TIME.test(v)) return undefined;
  const m = DATE_TIME.exec(v);
  const t = Date.parse(m?.[1] ? v : `${v}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** An ISO 8601 interval start/end (as TrafficFlowObserved's dateObserved may be). */
function interval(v: unknown): { from: string; to: string } | undefined {
  if (typeof v !== 'string') return undefined;
  const parts = v.split('/');
  if (parts.length !== 2) return undefined;
  const from = isoTime(parts[0]);
  const to = isoTime(parts[1]);
  return from && to ? { from, to } : undefined;
}

type Fail = { code: RejectionCode; reason: string };
const fail = (reason: string, code: RejectionCode = 'NGSI_LD_INVALID'): Fail => ({ code, reason });
const isFail = (v: unknown): v is Fail => isObj(v) && typeof v.code === 'string' && typeof v.reason === 'string';

/** A unit conversion table: unitCode (UN/CEFACT common code) → factor, or a function. */
type Units = Readonly<Record<string, (n: number) => number>>;
const LENGTH_TO_CM: Units = { MTR: (n) => n * 100, CMT: (n) => n, MMT: (n) => n * 0.1 };
const RATIO_TO_PCT: Units = { C62: (n) => n * 100, P1: (n) => n };
const TEMP_TO_C: Units = { CEL: (n) => n, FAH: (n) => ((n - 32) * 5) / 9, KEL: (n) => n - 273.15 };
const SPEED_TO_KMH: Units = { KMH: (n) => n, MTS: (n) => n * 3.6 };

/**
 * A mapped number in the native field's unit. `absent` is the model's unit when there is no unitCode.
 * undefined when the attribute is absent and optional.
 */
function quantity(
  attrs: Map<string, Attr>,
  name: string,
  units: Units,
  absent: string,
  required: boolean,
  type: string,
): number | Fail | undefined {
  const a = attrs.get(name);
  if (a === undefined || a.value === undefined || a.value === null) {
    return required ? fail(`${type} entity has no ${name}`) : undefined;
  }
  if (!isNum(a.value)) return fail(`${type} ${name} is not a number`);
  const unit = a.unitCode === undefined ? absent : a.unitCode;
  const convert = typeof unit === 'string' ? units[unit] : undefined;
  if (convert === undefined) {
    return fail(
      `${type} ${name} has unitCode ${JSON.stringify(unit)}; accepted: ${Object.keys(units).join(', ')}`,
      'NGSI_LD_UNIT_INVALID',
    );
  }
  return round(convert(a.value));
}

interface Extracted {
  readonly fields: Obj;
  /** The attribute whose observedAt gives the time. */
  readonly primary: string;
  /** Attributes consumed (not repeated in attrs). */
  readonly used: readonly string[];
}

function waterLevel(type: string, name: string) {
  return (attrs: Map<string, Attr>): Extracted | Fail => {
    const levelCm = quantity(attrs, name, LENGTH_TO_CM, 'MTR', true, type);
    if (isFail(levelCm)) return levelCm;
    return { fields: { levelCm }, primary: name, used: [name] };
  };
}

function binFill(attrs: Map<string, Attr>): Extracted | Fail {
  const fillPct = quantity(attrs, 'fillingLevel', RATIO_TO_PCT, 'C62', true, 'WasteContainer');
  if (isFail(fillPct)) return fillPct;
  const temperatureC = quantity(attrs, 'temperature', TEMP_TO_C, 'CEL', false, 'WasteContainer');
  if (isFail(temperatureC)) return temperatureC;
  return {
    fields: temperatureC === undefined ? { fillPct } : { fillPct, temperatureC },
    primary: 'fillingLevel',
    used: ['fillingLevel', 'temperature'],
  };
}

/** Occupancy (a ratio) to the native congestion level. */
function congestionOf(occupancy: number): string {
  if (occupancy < 0.3) return 'free';
  if (occupancy < 0.6) return 'moderate';
  if (occupancy < 0.85) return 'heavy';
  return 'jammed';
}

function cameraTraffic(attrs: Map<string, Attr>): Extracted | Fail {
  const T = 'TrafficFlowObserved';
  const count = attrs.get('intensity');
  if (count === undefined || count.value === undefined || count.value === null)
    return fail(`${T} entity has no intensity`);
  if (!isNum(count.value)) return fail(`${T} intensity is not a number`);
  const avgSpeedKmh = quantity(attrs, 'averageVehicleSpeed', SPEED_TO_KMH, 'KMH', true, T);
  if (isFail(avgSpeedKmh)) return avgSpeedKmh;

  const laneAttr = attrs.get('laneId');
  const lane = laneAttr === undefined || laneAttr.value === undefined || laneAttr.value === null ? 1 : laneAttr.value;
  if (!isNum(lane)) return fail(`${T} laneId is not a number`);

  const from = isoTime(attrs.get('dateObservedFrom')?.value);
  const to = isoTime(attrs.get('dateObservedTo')?.value);
  const period = from && to ? { from, to } : interval(attrs.get('dateObserved')?.value);
  if (period === undefined) {
    return fail(`${T} has no observation period: dateObservedFrom and dateObservedTo (or an interval in dateObserved)`);
  }
  const intervalS = round((Date.parse(period.to) - Date.parse(period.from)) / 1000);

  let congestion: string;
  const congested = attrs.get('congested')?.value;
  const occ = attrs.get('occupancy');
  if (typeof congested === 'boolean') {
    congestion = congested ? 'heavy' : 'free';
  } else if (occ !== undefined && occ.value !== undefined && occ.value !== null) {
    const ratio = quantity(attrs, 'occupancy', RATIO_TO_PCT, 'C62', true, T);
    if (isFail(ratio) || ratio === undefined) return ratio ?? fail(`${T} occupancy is missing`);
    congestion = congestionOf(ratio / 100);
  } else {
    // The model: "the absence of this attribute [congested] means no traffic congestion".
    congestion = 'free';
  }
  return {
    fields: { intervalS, lanes: [{ lane, vehicleCount: count.value, avgSpeedKmh }], congestion },
    primary: 'intensity',
    used: [
      'intensity',
      'averageVehicleSpeed',
      'laneId',
      'dateObservedFrom',
      'dateObservedTo',
      'congested',
      'occupancy',
    ],
  };
}

const EXTRACTORS: Readonly<Record<string, (attrs: Map<string, Attr>) => Extracted | Fail>> = {
  FloodMonitoring: waterLevel('FloodMonitoring', 'currentLevel'),
  WaterObserved: waterLevel('WaterObserved', 'height'),
  WasteContainer: binFill,
  TrafficFlowObserved: cameraTraffic,
};
const KINDS: Readonly<Record<string, MessageKind>> = Object.fromEntries(NGSI_LD_MAPPINGS.map((m) => [m.type, m.kind]));

/** The device an entity id or refDevice names: the text after urn:ngsi-ld:<Type>:. */
function deviceOfUrn(urn: string, what: string): string | Fail {
  const m = ENTITY_URN.exec(urn);
  if (!m) return fail(`${what} "${urn.slice(0, 200)}" is not of the form urn:ngsi-ld:<Type>:<deviceId>`);
  if (!idRe.test(m[2]))
    return fail(
      `${what} "${urn.slice(0, 200)}" names device "${m[2].slice(0, 200)}", which does not match ${ID_PATTERN}`,
    );
  return m[2];
}

function deviceOf(entity: Obj, attrs: Map<string, Attr>, ctx: TranslateContext): string | Fail {
  const ref = attrs.get('refDevice');
  if (ref !== undefined && ref.value !== undefined && ref.value !== null) {
    const refs = Array.isArray(ref.value) ? ref.value : [ref.value];
    if (refs.length !== 1 || typeof refs[0] !== 'string') {
      return fail(`refDevice must name exactly one device (it names ${refs.length})`);
    }
    return deviceOfUrn(refs[0], 'refDevice');
  }
  const id = entity.id ?? entity['@id'];
  if (id === undefined && ctx.deviceId !== undefined) return ctx.deviceId;
  if (typeof id !== 'string') return fail('entity has no id and no refDevice');
  return deviceOfUrn(id, 'entity id');
}

function typeOf(entity: Obj): string | undefined {
  let t = entity.type ?? entity['@type'];
  if (Array.isArray(t) && t.length === 1) t = t[0];
  return typeof t === 'string' ? compact(t) : undefined;
}

/** Scalar attributes the kind has no field for, within the native attrs limits; the rest is dropped, never refused. */
function extras(attrs: Map<string, Attr>, used: ReadonlySet<string>): Obj | undefined {
  const out: Obj = {};
  let n = 0;
  for (const [name, a] of attrs) {
    if (n >= ATTRS_LIMITS.maxProperties) break;
    if (used.has(name) || name.length > ATTRS_LIMITS.maxKeyLength || name.startsWith('@')) continue;
    const v = a.value;
    const fits =
      (typeof v === 'string' && v.length <= ATTRS_LIMITS.maxStringLength) ||
      isNum(v) ||
      typeof v === 'boolean' ||
      v === null;
    if (!fits) continue;
    out[name] = v;
    n++;
  }
  return n > 0 ? out : undefined;
}

function translateEntity(entity: unknown, ctx: TranslateContext): TranslatedMessage | TranslationRejection {
  const reject = (f: Fail, deviceId?: string): TranslationRejection => ({ ...f, deviceId, source: entity });
  if (!isObj(entity)) return reject(fail('entity is not a JSON object'));
  const type = typeOf(entity);
  if (type === undefined) return reject(fail('entity has no type'));
  const kind = KINDS[type];
  if (kind === undefined) {
    return reject(
      fail(
        `entity type "${type.slice(0, 100)}" is not mapped (supported: ${NGSI_LD_MAPPINGS.map((m) => m.type).join(', ')})`,
        'NGSI_LD_TYPE_UNSUPPORTED',
      ),
    );
  }

  const attrs = new Map<string, Attr>();
  for (const [key, raw] of Object.entries(entity)) {
    if (key === 'id' || key === 'type' || key.startsWith('@')) continue;
    const name = compact(key);
    if (!attrs.has(name)) attrs.set(name, attr(raw));
  }

  const deviceId = deviceOf(entity, attrs, ctx);
  if (isFail(deviceId)) return reject(deviceId);

  const extracted = EXTRACTORS[type](attrs);
  if (isFail(extracted)) return reject(extracted, deviceId);

  const used = new Set<string>([...extracted.used, 'refDevice']);
  let ts = isoTime(attrs.get(extracted.primary)?.observedAt);
  for (const name of TIME_ATTRIBUTES[type]) {
    if (ts !== undefined) break;
    const v = attrs.get(name)?.value;
    ts = isoTime(v) ?? (name === 'dateObserved' ? interval(v)?.to : undefined);
    if (ts !== undefined) used.add(name);
  }
  if (ts === undefined) {
    return reject(
      fail(
        `${type} has no observation time: no observedAt on ${extracted.primary}, no ${TIME_ATTRIBUTES[type].join(' / ')}`,
      ),
      deviceId,
    );
  }

  const msgId = derivedMsgId('ngsi', deviceId, kind, ts);
  const attrsOut = extras(attrs, used);
  const body: Obj = { msgId, ts, ...extracted.fields };
  if (attrsOut !== undefined) body.attrs = attrsOut;
  return { deviceId, kind, body, source: entity };
}

/** The entities of a payload: one entity, an array of them, or a notification's data. */
function entitiesOf(json: unknown): unknown[] | Fail {
  if (Array.isArray(json)) return json;
  if (!isObj(json)) return fail('NGSI-LD payload must be an entity, an array of entities or a notification');
  if (typeOf(json) === 'Notification') {
    if (!Array.isArray(json.data)) return fail('NGSI-LD notification has no data array');
    return json.data;
  }
  return [json];
}

/** FIWARE Smart Data Models in NGSI-LD into native messages. Pure; never throws. */
export const translateNgsiLd: Translator = (json, ctx): Translation => {
  const messages: TranslatedMessage[] = [];
  const rejected: TranslationRejection[] = [];
  const entities = entitiesOf(json);
  if (isFail(entities)) return { messages, rejected: [entities] };
  if (entities.length === 0) return { messages, rejected: [fail('NGSI-LD payload has no entities')] };
  if (entities.length > NGSI_LD_MAX_ENTITIES) {
    return {
      messages,
      rejected: [fail(`NGSI-LD payload has ${entities.length} entities; the limit is ${NGSI_LD_MAX_ENTITIES}`)],
    };
  }
  for (const entity of entities) {
    let result: TranslatedMessage | TranslationRejection;
    try {
      result = translateEntity(entity, ctx);
    } catch (e) {
      result = { ...fail(`entity could not be translated: ${(e as Error)?.message ?? String(e)}`), source: entity };
    }
    if ('code' in result) rejected.push(result);
    else messages.push(result);
  }
  return { messages, rejected };
};
