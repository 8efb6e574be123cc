import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DEVICE_TYPE_OF_KIND,
  domainOf,
  MESSAGE_KIND_NAMES,
  REJECTION_CODES,
  type DeviceType,
  type MessageKind,
  type RejectionCode,
} from '@ioc/domain';
import { MESSAGE_EXAMPLES } from './asyncapi';
import { MessageDecoder, REJECTION_REASON_MAX, type DecodeOptions, type DecodeResult } from './message-decoder';
import { ID_PATTERN } from './schemas';
import { bridgeTopic, deviceTopic, gatewayStandardTopic, gatewayTopic, parseTopic, standardTopic } from './topics';
import { createMessageValidators } from './validation';

/**
 * Property-based fuzzing of the decoder (issue 20): valid, near-valid and hostile topics and payloads. Whatever comes in,
 * the decoder returns (never throws), and every input ends as accepted messages or rejections with a known code and a
 * reason, as many as the input holds. FUZZ_RUNS sets the total number of inputs (spread over the properties), FUZZ_SEED
 * the seed; a failure prints the seed and the shrunk counterexample to replay.
 */
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const PROPERTIES = 4;
const RUNS = Math.max(1, Math.ceil(TOTAL_RUNS / PROPERTIES));

const NOW = new Date('2026-11-21T03:00:00.000Z');
/** The shipped defaults (libs/platform/src/config.ts), and the largest payload limit the config allows. */
const DEFAULTS: DecodeOptions = { maxPayloadBytes: 256 * 1024, maxFutureSkewMs: 600_000, maxAgeMs: 30 * 86_400_000 };
const LARGE: DecodeOptions = { ...DEFAULTS, maxPayloadBytes: 16 * 1024 * 1024 };
const validators = createMessageValidators();
const OPTIONS = { defaults: DEFAULTS, large: LARGE } as const;
type DecoderName = keyof typeof OPTIONS;
const decoders: Record<DecoderName, MessageDecoder> = {
  defaults: new MessageDecoder(validators, DEFAULTS),
  large: new MessageDecoder(validators, LARGE),
};

/** Codes only the registry, the rate limiter or the database give: the decoder alone never does. */
const NOT_DECODER_CODES: ReadonlySet<RejectionCode> = new Set<RejectionCode>([
  'DEVICE_UNKNOWN',
  'DEVICE_KIND_MISMATCH',
  'DEVICE_DISABLED',
  'GATEWAY_UNKNOWN',
  'GATEWAY_DEVICE_NOT_ASSIGNED',
  'RATE_LIMITED',
  'STORAGE_REJECTED',
]);
const KNOWN_CODES: ReadonlySet<string> = new Set(REJECTION_CODES);
const idRe = new RegExp(ID_PATTERN);

// ---------------------------------------------------------------- the seeded fleet

const fleet = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'seeds', 'devices.json'), 'utf8')) as {
    devices: Array<{ id: string; type: DeviceType }>;
  }
).devices;
const devicesOf = (kind: MessageKind): string[] => {
  const ids = fleet.filter((d) => d.type === DEVICE_TYPE_OF_KIND[kind]).map((d) => d.id);
  return ids.length ? ids.slice(0, 50) : [`${kind}-1`];
};
const DEVICES = Object.fromEntries(MESSAGE_KIND_NAMES.map((k) => [k, devicesOf(k)])) as Record<MessageKind, string[]>;

// ---------------------------------------------------------------- cases

/** One generated input, with what the generator knows of its outcome (valid inputs: how many are accepted). */
interface Case {
  readonly topic: string;
  readonly payload: Buffer;
  readonly decoder: DecoderName;
  readonly expectAccepted?: number;
}

const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

const kindArb = fc.constantFrom(...MESSAGE_KIND_NAMES);
const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/);
const gatewayIdArb = fc.oneof(fc.constantFrom('gw-p3', 'gw-p8-01', 'gw:waste.7'), idArb);
/** An event time inside the accepted window (30 days back, 10 minutes ahead), with a margin. */
const inWindowMsArb = fc.integer({ min: -29 * 86_400_000, max: 540_000 }).map((d) => NOW.getTime() + d);
const isoArb = fc.tuple(inWindowMsArb, fc.constantFrom('Z', '+07:00', '-03:30')).map(([ms, zone]) => {
  if (zone === 'Z') return new Date(ms).toISOString();
  const offsetMin = zone === '+07:00' ? 420 : -210;
  return `${new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23)}${zone}`;
});

/** A valid native message of `kind` (the contract's example with its own msgId and time). */
const nativeArb = (kind: MessageKind) =>
  fc.record({ msgId: idArb, ts: isoArb }).map(({ msgId, ts }) => ({ ...MESSAGE_EXAMPLES[kind], msgId, ts }));

const validDevice: fc.Arbitrary<Case> = kindArb.chain((kind) =>
  fc.tuple(fc.constantFrom(...DEVICES[kind]), nativeArb(kind), fc.boolean()).map(([deviceId, body, named]) => ({
    topic: deviceTopic(kind, deviceId),
    payload: bytes(named ? { deviceId, ...body } : body),
    decoder: 'defaults' as const,
    expectAccepted: 1,
  })),
);

const gatewayEntryArb = kindArb.chain((kind) =>
  fc.tuple(fc.constantFrom(...DEVICES[kind]), nativeArb(kind)).map(([deviceId, body]) => ({ deviceId, kind, ...body })),
);
const validGateway: fc.Arbitrary<Case> = fc
  .tuple(gatewayIdArb, fc.array(gatewayEntryArb, { minLength: 1, maxLength: 20 }))
  .map(([gw, messages]) => ({
    topic: gatewayTopic(gw),
    payload: bytes({ messages }),
    decoder: 'defaults',
    expectAccepted: messages.length,
  }));

/** A SenML water-level (and maybe battery) of one device at one in-window time: one native message. */
const senmlRecordsArb = (deviceId: string, named: boolean) =>
  fc
    .record({
      ms: inWindowMsArb,
      unit: fc.constantFrom('cm', 'm', 'mm'),
      cm: fc.integer({ min: 0, max: 400 }),
      battery: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    })
    .map(({ ms, unit, cm, battery }) => {
      const v = unit === 'cm' ? cm : unit === 'm' ? cm / 100 : cm * 10;
      const first = {
        ...(named ? { bn: `urn:dev:ioc:${deviceId}:` } : {}),
        bt: ms / 1000,
        n: 'water-level',
        u: unit,
        v,
      };
      return battery === undefined ? [first] : [first, { n: 'battery', u: '%EL', v: battery }];
    });

const validSenmlDevice: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom(...DEVICES['water-level']), fc.boolean())
  .chain(([deviceId, named]) =>
    senmlRecordsArb(deviceId, named).map((pack) => ({
      topic: standardTopic('senml', deviceId),
      payload: bytes(pack),
      decoder: 'defaults' as const,
      expectAccepted: 1,
    })),
  );

const validSenmlGateway: fc.Arbitrary<Case> = fc
  .tuple(gatewayIdArb, fc.uniqueArray(fc.constantFrom(...DEVICES['water-level']), { minLength: 1, maxLength: 10 }))
  .chain(([gw, ids]) =>
    fc.tuple(...ids.map((id) => senmlRecordsArb(id, true))).map((packs) => ({
      topic: gatewayStandardTopic('senml', gw),
      payload: bytes(packs.flat()),
      decoder: 'defaults' as const,
      expectAccepted: ids.length,
    })),
  );

/** A FloodMonitoring entity (normalized or key-values) of a water-level device: one water-level message. */
const floodEntityArb = (deviceId: string) =>
  fc
    .record({ iso: isoArb, m: fc.integer({ min: 0, max: 400 }), normalized: fc.boolean() })
    .map(({ iso, m, normalized }) =>
      normalized
        ? {
            id: `urn:ngsi-ld:FloodMonitoring:${deviceId}`,
            type: 'FloodMonitoring',
            currentLevel: { type: 'Property', value: m / 100, unitCode: 'MTR', observedAt: iso },
            floodLevelStatus: { type: 'Property', value: 'Normal' },
          }
        : {
            id: `urn:ngsi-ld:FloodMonitoring:${deviceId}`,
            type: 'FloodMonitoring',
            currentLevel: m / 100,
            dateObserved: iso,
          },
    );

const validNgsiLd: fc.Arbitrary<Case> = fc.oneof(
  fc.constantFrom(...DEVICES['water-level']).chain((deviceId) =>
    floodEntityArb(deviceId).map((e) => ({
      topic: standardTopic('ngsi-ld', deviceId),
      payload: bytes(e),
      decoder: 'defaults' as const,
      expectAccepted: 1,
    })),
  ),
  fc
    .uniqueArray(fc.constantFrom(...DEVICES['water-level']), { minLength: 1, maxLength: 10 })
    .chain((ids) => fc.tuple(...ids.map(floodEntityArb)))
    .map((data) => ({
      topic: bridgeTopic('ngsi-ld', 'http'),
      payload: bytes({ id: 'urn:ngsi-ld:Notification:1', type: 'Notification', data }),
      decoder: 'defaults' as const,
      expectAccepted: data.length,
    })),
);

const validCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: validDevice, weight: 4 },
  { arbitrary: validGateway, weight: 2 },
  { arbitrary: validSenmlDevice, weight: 1 },
  { arbitrary: validSenmlGateway, weight: 1 },
  { arbitrary: validNgsiLd, weight: 2 },
);

// ---------------------------------------------------------------- mutations (near-valid)

const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    '',
    'NaN',
    'Infinity',
    '-Infinity',
    -1e9,
    1e9,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    5e-324,
    [],
    {},
    '1970-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-11-21T03:00:00',
    '2026-02-30T25:61:61Z',
    'not a date',
    '\u0000',
    '\uFEFF',
    '\uD800',
    'urn:dev:ioc:',
  ),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.integer(), { minLength: 1000, maxLength: 5000 }),
  fc.integer({ min: 1, max: 500 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
);
/** Keys that would pollute a prototype if a parser or translator assigned them naively. */
const hostileKeyArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'kind', 'deviceId', 'x_'),
  fc.string({ maxLength: 80 }),
);

type Json = unknown;
/** A random path into a JSON value (by indices into its keys / elements at every level). */
function mutateAt(value: Json, picks: readonly number[], op: (parent: Json, key: string | number) => void): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let node = copy;
  for (let depth = 0; depth < picks.length; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[picks[depth] % keys.length];
    const child = (node as Record<string | number, unknown>)[key];
    if (depth === picks.length - 1 || child === null || typeof child !== 'object') {
      op(node, key);
      break;
    }
    node = child;
  }
  return copy;
}

type JsonMutation = (v: Json) => Json;
const jsonMutationArb: fc.Arbitrary<JsonMutation> = fc
  .tuple(
    fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    fc.constantFrom('set', 'delete', 'add', 'wrap'),
    hostileValueArb,
    hostileKeyArb,
  )
  .map(
    ([picks, op, value, key]) =>
      (v: Json) =>
        mutateAt(v, picks, (parent, k) => {
          const p = parent as Record<string | number, unknown>;
          if (op === 'set') p[k] = value;
          else if (op === 'delete') {
            if (Array.isArray(parent)) parent.splice(k as number, 1);
            else delete p[k];
          } else if (op === 'add' && !Array.isArray(parent)) {
            // defineProperty: an own "__proto__" key, as JSON.parse would make it, not a prototype change.
            Object.defineProperty(p, key, { value, enumerable: true, writable: true, configurable: true });
          } else p[k] = [p[k]];
        }),
  );

/** Mutations of the bytes: what a broken or hostile publisher sends that JSON.stringify never would. */
type ByteMutation = (b: Buffer) => Buffer;
const byteMutationArb: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % Math.max(1, b.length))), // truncated
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])), // BOM
  fc
    .tuple(fc.nat(), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00]))
    .map(([n, bad]) => (b: Buffer) => {
      const at = n % (b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(bad), b.subarray(at)]);
    }), // invalid UTF-8 / NUL
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([n, x]) => (b: Buffer) => {
    const c = Buffer.from(b);
    if (c.length) c[n % c.length] = x;
    return c;
  }), // one byte changed
  fc
    .tuple(fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '0x10', '01', '.5'), fc.nat())
    .map(([literal, n]) => (b: Buffer) => {
      const text = b.toString('utf8');
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (!numbers.length) return b;
      const m = numbers[n % numbers.length];
      return Buffer.from(text.slice(0, m.index) + literal + text.slice((m.index ?? 0) + m[0].length));
    }), // non-JSON or overflowing numbers
  fc
    .tuple(fc.constantFrom('msgId', 'ts', 'deviceId', 'kind', '__proto__', 'n', 'type'), hostileValueArb)
    .map(([key, value]) => (b: Buffer) => {
      // A duplicated key: JSON.parse keeps the last, other parsers the first.
      const text = b.toString('utf8');
      const at = text.indexOf('{');
      if (at < 0) return b;
      const dup = `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},`;
      return Buffer.from(`${text.slice(0, at + 1)}${dup}${text.slice(at + 1)}`);
    }),
);

const nearValidCase: fc.Arbitrary<Case> = fc
  .tuple(validCase, fc.array(jsonMutationArb, { minLength: 1, maxLength: 3 }), fc.option(byteMutationArb, { freq: 3 }))
  .map(([c, mutations, byteMutation]) => {
    const json = mutations.reduce((v, m) => m(v), JSON.parse(c.payload.toString('utf8')) as Json);
    const payload = Buffer.from(JSON.stringify(json) ?? 'null');
    return { topic: c.topic, payload: byteMutation ? byteMutation(payload) : payload, decoder: 'defaults' as const };
  });

// ---------------------------------------------------------------- topics (near-valid and hostile)

const topicMutationArb: fc.Arbitrary<(t: string) => string> = fc.oneof(
  fc.constant((t: string) => t.replace('ioc/v1', 'ioc/v2')),
  fc.constant((t: string) => t.replace('ioc/v1', 'IOC/v1')),
  fc.constant((t: string) => `${t}/extra`),
  fc.constant((t: string) => `${t}/`),
  fc.constant((t: string) => `/${t}`),
  fc.constant((t: string) => t.replace(/\/[^/]+$/, '/+')),
  fc.constant((t: string) => t.replace(/\/[^/]+$/, '/#')),
  fc.constant((t: string) => t.replace(/\/[^/]+\//, '//')),
  fc.constant((t: string) => t.replace(/[^/]+$/, 'teleport')),
  fc.constant((t: string) => t.replace(/ioc\/v1\/[^/]+/, 'ioc/v1/waste')),
  fc.constant((t: string) => `${t}\u0000`),
  fc.constant((t: string) => t.replace(/\/([^/]+)\/([^/]+)$/, '/$1x\u0000y/$2')),
  fc.constant((t: string) => t.replace(/\/([^/]+)\/([^/]+)$/, '/ngập-lụt-đường/$2')),
  fc.constant((t: string) => t.replace(/\/([^/]+)\/([^/]+)$/, `/${'a'.repeat(65)}/$2`)),
  fc.constant((t: string) => `${t}${'/x'.repeat(30_000)}`),
  fc.constant((t: string) => t.replace(/\/([^/]+)$/, `/${'\u{1F30A}'.repeat(20_000)}`)),
);

const topicArb: fc.Arbitrary<string> = fc.oneof(
  validCase.map((c) => c.topic),
  fc.tuple(validCase, topicMutationArb).map(([c, m]) => m(c.topic)),
  fc.string({ maxLength: 100 }),
  fc
    .array(
      fc.constantFrom(
        'ioc',
        'v1',
        'flood',
        'waste',
        'camera',
        'gateway',
        'bridge',
        'senml',
        'ngsi-ld',
        'wl-1',
        'water-level',
        '',
        '+',
        '#',
        '\u0000',
      ),
      { maxLength: 7 },
    )
    .map((parts) => parts.join('/')),
  fc.constant(''),
);

// ---------------------------------------------------------------- hostile payloads

const BIG = 'x'.repeat(1024 * 1024);
const hostilePayloadArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc
    .constantFrom(
      '{"__proto__":{"polluted":"yes"},"msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1}',
      '{"messages":[{"__proto__":{"polluted":"yes"},"deviceId":"wl-1","kind":"water-level","msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1}]}',
      '[{"bn":"urn:dev:ioc:wl-1:","n":"water-level","u":"cm","v":1,"__proto__":{"polluted":"yes"}},{"n":"__proto__","u":"cm","v":1}]',
      '[{"bn":"constructor:","n":"water-level","u":"__proto__","v":1},{"n":"wl-1:toString","u":"constructor","v":1}]',
      '{"id":"urn:ngsi-ld:FloodMonitoring:wl-1","type":"FloodMonitoring","__proto__":{"value":1},"currentLevel":{"type":"Property","value":1,"unitCode":"__proto__"},"dateObserved":"2026-11-21T02:59:00Z"}',
      '{"id":"urn:ngsi-ld:FloodMonitoring:wl-1","type":"constructor","currentLevel":1}',
      '{"type":"Notification","data":{"__proto__":[]}}',
      '{"msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1e309}',
      '[{"n":"wl-1:water-level","u":"cm","v":1e309,"t":-1e309}]',
      '[{"n":"wl-1:water-level","u":"cm","v":1,"bt":1e308,"t":1e308}]',
      '{"messages":[]}',
      '[]',
      '{}',
      'null',
      '',
      ' ',
    )
    .map((s) => Buffer.from(s)),
  fc.integer({ min: 1, max: 200_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc
    .constantFrom(
      `[${'{"n":"x"},'.repeat(600)}{"n":"x"}]`,
      `{"messages":[${'{},'.repeat(600)}{}]}`,
      `{"type":"Notification","data":[${'{},'.repeat(600)}{}]}`,
    )
    .map((s) => Buffer.from(s)),
  // Deep nesting inside an otherwise valid part: quarantine serialises the refused part again.
  fc
    .integer({ min: 1000, max: 100_000 })
    .chain((depth) =>
      fc
        .constantFrom(
          `{"messages":[{"deviceId":"wl-1","kind":"water-level","x":${'['.repeat(depth)}${']'.repeat(depth)}},{}]}`,
          `[{"n":"wl-1:water-level","u":"cm","v":1},{"n":"x","vs":"a","y":${'['.repeat(depth)}${']'.repeat(depth)}}]`,
          `{"type":"Notification","data":[${'['.repeat(depth)}${']'.repeat(depth)},{"type":"FloodMonitoring","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}`,
        )
        .map((s) => Buffer.from(s)),
    ),
  fc
    .constantFrom(
      `{"msgId":"${BIG}","ts":"2026-11-21T02:59:00Z","levelCm":1}`,
      `{"msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1,"${BIG}":1}`,
      `[{"n":"${BIG}","u":"cm","v":1}]`,
      `{"id":"urn:ngsi-ld:FloodMonitoring:${BIG}","type":"FloodMonitoring","currentLevel":1,"dateObserved":"2026-11-21T02:59:00Z"}`,
      `{"messages":[{"deviceId":"wl-1","kind":"water-level","msgId":"m","ts":"2026-11-21T02:59:00Z","levelCm":1,"attrs":{"a":"${BIG}"}}]}`,
    )
    .map((s) => Buffer.from(s)),
);

const hostileCase: fc.Arbitrary<Case> = fc.record({
  topic: topicArb,
  payload: fc.oneof(
    hostilePayloadArb,
    nearValidCase.map((c) => c.payload),
    validCase.map((c) => c.payload),
  ),
  decoder: fc.constantFrom<DecoderName>('defaults', 'large'),
});

// ---------------------------------------------------------------- the judge

const tally = { inputs: 0, accepted: 0, rejected: {} as Record<string, number> };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the input holds as the decoder sees it: how many outcomes it must give (a range for SenML packs). */
function expectedOutcomes(c: Case): { min: number; max: number; whole: boolean } {
  const one = { min: 1, max: 1, whole: true };
  const route = parseTopic(c.topic);
  if (route.type === 'invalid' || route.type === 'device') return one;
  if (c.payload.length > OPTIONS[c.decoder].maxPayloadBytes) return one;
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(c.payload));
  } catch {
    return one;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (route.type === 'gateway') {
    const messages = isObj(json) && Object.keys(json).length === 1 ? json.messages : undefined;
    const ok = Array.isArray(messages) && messages.length >= 1 && messages.length <= 500 && messages.every(isObj);
    return ok ? { min: messages.length, max: messages.length, whole: false } : one;
  }
  if (route.format === 'senml') {
    if (!Array.isArray(json) || json.length === 0 || json.length > 500) return one;
    const bver = json.some((r) => isObj(r) && typeof r.bver === 'number' && Number.isFinite(r.bver) && r.bver > 10);
    // Records of one device at one time make one message: at least one outcome, at most one per record.
    return bver ? one : { min: 1, max: json.length, whole: json.length === 1 };
  }
  let entities: unknown[] | undefined;
  if (Array.isArray(json)) entities = json;
  else if (isObj(json) && isNotification(json)) entities = Array.isArray(json.data) ? json.data : undefined;
  else if (isObj(json)) entities = [json];
  if (entities === undefined || entities.length === 0 || entities.length > 500) return one;
  return { min: entities.length, max: entities.length, whole: entities.length === 1 };
}

/** A notification as NGSI-LD names its type: type or @type, alone or in a one-element array, maybe as a full IRI. */
function isNotification(json: Record<string, unknown>): boolean {
  let t = json.type ?? json['@type'];
  if (Array.isArray(t) && t.length === 1) t = t[0];
  if (typeof t !== 'string') return false;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return t === 'Notification';
  const tail = t.split(/[#/]/).filter((s) => s !== '');
  return (tail.length > 1 ? tail[tail.length - 1] : t) === 'Notification';
}

function judge(c: Case, run: () => DecodeResult): void {
  let r: DecodeResult;
  try {
    r = run();
  } catch (e) {
    throw new Error(`decode threw on ${show(c)}: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
  }
  expect(typeof (r as unknown as { then?: unknown }).then).toBe('undefined');
  expect(Array.isArray(r.accepted) && Array.isArray(r.rejected)).toBe(true);
  const total = r.accepted.length + r.rejected.length;
  const want = expectedOutcomes(c);
  if (total < want.min || total > want.max) {
    throw new Error(`${total} outcomes, expected ${want.min}..${want.max} for ${show(c)}: ${codes(r)}`);
  }
  if (c.expectAccepted !== undefined && (r.accepted.length !== c.expectAccepted || r.rejected.length !== 0)) {
    throw new Error(`valid input: ${r.accepted.length} accepted of ${c.expectAccepted}, ${codes(r)} (${show(c)})`);
  }
  for (const q of r.rejected) {
    if (!KNOWN_CODES.has(q.code) || NOT_DECODER_CODES.has(q.code)) throw new Error(`unexpected code ${q.code}`);
    expect(typeof q.reason === 'string' && q.reason.trim().length > 0).toBe(true);
    expect(q.reason.length).toBeLessThanOrEqual(REJECTION_REASON_MAX);
    expect(q.topic).toBe(c.topic);
    expect(q.receivedAt).toBe(NOW);
    expect(Buffer.isBuffer(q.payload)).toBe(true);
    if (q.deviceId !== undefined) expect(typeof q.deviceId).toBe('string');
    tally.rejected[q.code] = (tally.rejected[q.code] ?? 0) + 1;
  }
  // A refusal of the whole input keeps its bytes as received, for the integrator and for a replay.
  if (want.whole && r.rejected.length === 1 && r.accepted.length === 0 && parseTopic(c.topic).type !== 'gateway') {
    expect(r.rejected[0].payload.equals(c.payload)).toBe(true);
  }
  const opts = OPTIONS[c.decoder];
  for (const m of r.accepted) {
    expect(idRe.test(m.deviceId) && idRe.test(m.msgId)).toBe(true);
    expect(MESSAGE_KIND_NAMES).toContain(m.kind);
    expect(m.domain).toBe(domainOf(m.kind));
    expect(m.topic).toBe(c.topic);
    expect(m.receivedAt).toBe(NOW);
    const skew = m.ts.getTime() - NOW.getTime();
    if (!(skew <= opts.maxFutureSkewMs && -skew <= opts.maxAgeMs)) throw new Error(`accepted ts ${m.ts.toString()}`);
    expect(JSON.parse(m.bodyJson)).toEqual(expect.objectContaining({ msgId: m.msgId }));
  }
  tally.inputs++;
  tally.accepted += r.accepted.length;
}

const show = (c: Case) =>
  `${JSON.stringify(c.topic.slice(0, 120))} (${c.topic.length} chars), ${c.payload.length} bytes: ${JSON.stringify(c.payload.subarray(0, 160).toString('utf8'))}`;
const codes = (r: DecodeResult) =>
  `rejected [${r.rejected.map((q) => `${q.code}: ${q.reason.slice(0, 120)}`).join('; ')}]`;

// Fast-check prints the seed and path of a failing run; FUZZ_SEED replays it.
const params = (offset: number): fc.Parameters<[Case]> => ({ seed: SEED + offset, numRuns: RUNS, endOnFailure: false });
/** A counterexample is shown cut (a hostile one can be megabytes). */
const shown = (c: Case): Case => Object.assign({ ...c }, { [fc.toStringMethod]: () => show(c) });
const check = (arb: fc.Arbitrary<Case>, offset: number) =>
  fc.assert(
    fc.property(arb.map(shown), (c) => judge(c, () => decoders[c.decoder].decode(c.topic, c.payload, NOW))),
    params(offset),
  );

describe('MessageDecoder under fuzzing', () => {
  const protoBefore = {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
  };

  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    const byCode = Object.entries(tally.rejected).sort(([, a], [, b]) => b - a);
    const rejected = byCode.reduce((n, [, k]) => n + k, 0);
    console.log(
      `decoder fuzz (seed ${SEED}, ${RUNS} runs × ${PROPERTIES} properties): ${tally.inputs} inputs → ` +
        `${tally.accepted} accepted, ${rejected} rejected (${byCode.map(([c, k]) => `${c} ${k}`).join(', ')})`,
    );
  });

  it('accepts every valid input whole: native, gateway batch, SenML pack, NGSI-LD entity and notification', () => {
    check(validCase, 0);
  });

  it('gives every near-valid input (a field mutated, bytes broken) an outcome per message, each refusal coded', () => {
    check(nearValidCase, 1);
  });

  it('gives hostile topics and payloads an outcome without throwing, on both payload limits', () => {
    check(hostileCase, 2);
  });

  it('judges valid payloads on near-valid and hostile topics', () => {
    check(
      fc.tuple(validCase, topicArb).map(([c, topic]) => ({ topic, payload: c.payload, decoder: c.decoder })),
      3,
    );
  });

  it('leaves no unhandled rejection and no polluted prototype behind', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore.object);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(protoBefore.array);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(tally.inputs).toBe(RUNS * PROPERTIES);
  });
});
