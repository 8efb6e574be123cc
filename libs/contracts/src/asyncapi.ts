import { Type } from '@sinclair/typebox';
import { z } from 'zod';
import { domainOf, MESSAGE_KIND_NAMES, REJECTION_CODES, type MessageKind, type RejectionCode } from '@ioc/domain';
import {
  GATEWAY_MAX_MESSAGES,
  GatewayEntryHeaderSchema,
  GatewayEnvelopeSchema,
  ID_PATTERN,
  MESSAGE_SCHEMAS,
  NgsiLdPayloadSchema,
  SenmlPackSchema,
  Timestamp,
} from './schemas';
import { NGSI_LD_MAPPINGS, SENML_MEASUREMENTS, type NgsiLdMapping, type SenmlMeasurement } from './formats';
import { ReceiptSchema } from './receipt';
import {
  PROVISIONING_REFUSAL_CODES,
  PROVISIONING_REFUSAL_MEANINGS,
  ProvisionRequestSchema,
  ProvisionResponseSchema,
} from './provisioning';
import {
  bridgeTopic,
  FEEDBACK_ROOT,
  gatewayStandardTopic,
  PROVISION_ROOT,
  standardTopic,
  TOPIC_ROOT,
  type StandardFormat,
} from './topics';

/** One line per rejection code; a Record so a new code cannot ship without its meaning. */
export const REJECTION_CODE_MEANINGS: Readonly<Record<RejectionCode, string>> = {
  TOPIC_INVALID: `The topic under ${TOPIC_ROOT}/ does not follow the scheme (unknown domain or kind, kind in the wrong domain, bad id, wrong number of levels).`,
  PAYLOAD_NOT_UTF8: 'The payload is not valid UTF-8.',
  PAYLOAD_NOT_JSON: 'The payload is not parseable JSON.',
  PAYLOAD_TOO_LARGE: 'The payload is larger than the configured limit (INGEST_MAX_PAYLOAD_BYTES, 256 KiB by default).',
  SCHEMA_INVALID:
    'The message does not match the JSON Schema of its kind (missing or unknown property, wrong type, out of range, bad timestamp format).',
  DEVICE_ID_MISMATCH: 'The payload carries a deviceId different from the device named in the topic.',
  DEVICE_UNKNOWN:
    'The device is not in the registry (unless the IOC runs with the development setting INGEST_UNKNOWN_DEVICES=register, which registers it).',
  DEVICE_KIND_MISMATCH:
    'The device is registered as a type that does not send this message kind (e.g. a bin sending water-level).',
  DEVICE_DISABLED: 'The device is disabled in the registry.',
  TIMESTAMP_IN_FUTURE:
    'ts is further ahead of the IOC clock than allowed (INGEST_MAX_FUTURE_SKEW_S, 10 minutes by default).',
  TIMESTAMP_TOO_OLD: 'ts is older than allowed (INGEST_MAX_AGE_S, 30 days by default).',
  GATEWAY_EMPTY: 'A gateway batch with an empty messages array.',
  GATEWAY_TOO_MANY: `A gateway batch with more than ${GATEWAY_MAX_MESSAGES} messages.`,
  GATEWAY_UNKNOWN:
    'The gateway is not in the registry, or is disabled: none of its entries is stored (the notice goes to the gateway).',
  GATEWAY_DEVICE_NOT_ASSIGNED:
    'A gateway entry for a device that is not assigned to that gateway: the entry is not stored (the notice goes to the gateway).',
  RATE_LIMITED:
    'The device sent more than its rate allows (INGEST_DEVICE_RATE_PER_S, 10 msg/s by default, with bursts of up to INGEST_DEVICE_BURST, 600).',
  STORAGE_REJECTED:
    'The message passed validation but the database refused it (reported with the SQL error); nothing is lost, it is kept in quarantine.',
  SENML_INVALID:
    'A SenML pack (RFC 8428) that is not an array of records, has a malformed record, a SenML version above 10, a must-understand field (name ending in "_") the IOC does not know, or a record without a numeric value.',
  SENML_NAME_UNKNOWN:
    'A SenML record whose resolved name (bn + n) is not one of the measurements the IOC maps, or names no device where one is needed (gateway topics).',
  SENML_UNIT_INVALID:
    'A SenML record whose unit (u or bu) is missing, unknown, or not one the measurement accepts (e.g. "Cel" for a water level).',
  NGSI_LD_INVALID:
    'An NGSI-LD payload that is not an entity, an array of entities or a notification; or an entity without id, type or the attribute its mapping reads.',
  NGSI_LD_TYPE_UNSUPPORTED:
    'An NGSI-LD entity of a type the IOC does not map (supported: FloodMonitoring, WaterObserved, WasteContainer, TrafficFlowObserved).',
  NGSI_LD_UNIT_INVALID:
    'An NGSI-LD property whose unitCode (UN/CEFACT common code) is not one the mapped measurement accepts.',
};

/** The rejection notice the IOC publishes (QoS 0) on ioc/feedback/v1/{deviceId or gatewayId} after the rejection is committed. */
export const RejectionNoticeSchema = Type.Object(
  {
    code: Type.Union(
      REJECTION_CODES.map((c) => Type.Literal(c, { description: REJECTION_CODE_MEANINGS[c] })),
      { description: 'Stable rejection code.' },
    ),
    reason: Type.String({ description: 'Human-readable detail, e.g. "water-level: /levelCm must be <= 500".' }),
    topic: Type.String({ description: 'The topic the refused message was published on.' }),
    msgId: Type.Union([Type.String(), Type.Null()], {
      description: 'msgId of the refused message, when it could be read.',
    }),
    gatewayId: Type.Union([Type.String(), Type.Null()], {
      description: 'Set when the message came in a gateway batch.',
    }),
    receivedAt: { ...Timestamp, description: 'When the IOC received the message (UTC).' },
  },
  { $id: 'rejection-notice', title: 'Rejection notice', additionalProperties: false },
);

const EXAMPLE_TS = '2026-11-21T18:05:00+07:00';

/** One valid example per kind: shown in the AsyncAPI document and checked against the schemas by the unit test. */
export const MESSAGE_EXAMPLES: Readonly<Record<MessageKind, Record<string, unknown>>> = {
  'water-level': { msgId: 'wl-p3-007-000123', ts: EXAMPLE_TS, levelCm: 18.5, batteryPct: 87 },
  rain: { msgId: 'rg-p2-001-000456', ts: EXAMPLE_TS, rainMm: 4.2, intervalS: 300 },
  tide: { msgId: 'tg-maspero-1-000789', ts: EXAMPLE_TS, levelCm: 142 },
  pump: { msgId: 'pump-p5-01-000012', ts: EXAMPLE_TS, status: 'running', flowM3h: 1200 },
  'sluice-gate': { msgId: 'sg-p7-02-000034', ts: EXAMPLE_TS, status: 'closed', openingPct: 0 },
  'bin-fill': {
    msgId: 'bin-p8-0042-000077',
    ts: EXAMPLE_TS,
    fillPct: 91,
    temperatureC: 31.5,
    tiltDeg: 2,
    attrs: { firmware: '2.4.1', rssi: -71 },
  },
  'truck-position': {
    msgId: 'truck-07-001234',
    ts: EXAMPLE_TS,
    lat: 9.6025,
    lon: 105.9739,
    speedKmh: 22,
    headingDeg: 90,
    routeId: 'R-P8-01',
    progressPct: 40,
  },
  'truck-pickup': { msgId: 'truck-07-001235', ts: EXAMPLE_TS, binId: 'bin-p8-0042', routeId: 'R-P8-01', weightKg: 35 },
  'camera-traffic': {
    msgId: 'cam-hv-01-000901',
    ts: EXAMPLE_TS,
    intervalS: 60,
    lanes: [
      { lane: 1, vehicleCount: 42, avgSpeedKmh: 31 },
      { lane: 2, vehicleCount: 37, avgSpeedKmh: 28.5 },
    ],
    congestion: 'moderate',
  },
  'camera-detection': {
    msgId: 'cam-hv-01-000902',
    ts: EXAMPLE_TS,
    eventType: 'illegal_dumping',
    confidence: 0.91,
    modelVersion: 'yolo-8.2',
    snapshotRef: 's3://ioc-snapshots/cam-hv-01/000902.jpg',
  },
  'camera-health': { msgId: 'cam-hv-01-000903', ts: EXAMPLE_TS, online: true, tampered: false, fps: 25 },
};

const EXAMPLE_DEVICE: Readonly<Record<MessageKind, string>> = {
  'water-level': 'wl-p3-007',
  rain: 'rg-p2-001',
  tide: 'tg-maspero-1',
  pump: 'pump-p5-01',
  'sluice-gate': 'sg-p7-02',
  'bin-fill': 'bin-p8-0042',
  'truck-position': 'truck-07',
  'truck-pickup': 'truck-07',
  'camera-traffic': 'cam-hv-01',
  'camera-detection': 'cam-hv-01',
  'camera-health': 'cam-hv-01',
};

/** A schema as plain JSON (TypeBox keeps its own markers under symbol keys, which JSON drops). */
function json<T>(schema: unknown): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
/** Version of the contract (the v1 in the topics); bump the minor version for additive changes. */
export const CONTRACT_VERSION = '1.2.0';
const MQTT_BINDING = '0.2.0';

/** The gateway envelope's JSON Schema, as far as the generator changes it (its entries' `$ref`). */
type EnvelopeSchema = Record<string, unknown> & { properties: { messages: { items: unknown } } };

/** The standalone JSON Schema file of the gateway batch: its entries point at the entry header. */
function gatewayFileSchema(): Record<string, unknown> {
  const envelope = json<EnvelopeSchema>(GatewayEnvelopeSchema);
  const { $id: _id, ...entry } = json<Record<string, unknown>>(GatewayEntryHeaderSchema);
  envelope.description =
    "A batch of many devices' messages on one connection. The IOC checks this envelope, then judges each entry on its own: " +
    'the entry header (definitions/entry) and then the schema of its kind (without the "kind" property). One bad entry is quarantined alone.';
  envelope.properties.messages.items = { $ref: '#/definitions/entry' };
  return {
    $schema: DRAFT_07,
    ...envelope,
    definitions: {
      entry: { ...entry, description: 'deviceId and kind, plus every property of the message of that kind.' },
    },
  };
}

function deviceChannelId(kind: MessageKind): string {
  return kind;
}

function operationId(kind: string): string {
  return `receive${kind.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
}

function infoDescription(): string {
  const codes = REJECTION_CODES.map((c) => `- \`${c}\`: ${REJECTION_CODE_MEANINGS[c]}`).join('\n');
  return [
    'The MQTT contract of the Sóc Trăng Intelligent Operations Center (IOC). Devices and gateways publish; the IOC receives.',
    '',
    `Topics: \`${TOPIC_ROOT}/{domain}/{deviceId}/{kind}\` for one device's message, \`${TOPIC_ROOT}/gateway/{gatewayId}\` for a batch of up to ${GATEWAY_MAX_MESSAGES} messages of many devices, ` +
      `and \`${FEEDBACK_ROOT}/{deviceId}\` (or \`{gatewayId}\`) where the IOC publishes rejection notices (QoS 0).`,
    '',
    `Standard payloads: \`${standardTopic('senml', '{deviceId}')}\` and \`${standardTopic('ngsi-ld', '{deviceId}')}\` for one device's SenML pack (RFC 8428) or NGSI-LD entities, ` +
      `\`${gatewayStandardTopic('senml', '{gatewayId}')}\` and \`${gatewayStandardTopic('ngsi-ld', '{gatewayId}')}\` for several of a gateway's devices. ` +
      'The IOC translates them into native messages (as documented on their channels) and judges those exactly like native ones. ' +
      `\`${bridgeTopic('ngsi-ld', '{bridgeId}')}\` is the IOC's own: only the IOC publishes there. Guides: ${MQTT_DOCS}/README.md.`,
    '',
    'Publish with QoS 1. The IOC acknowledges a message (its ingest session sends the PUBACK) only after the message, or its rejection, ' +
      'is committed to the database. A message redelivered or resent with the same msgId (and ts) is stored once.',
    '',
    'Envelope: `msgId` unique per device; `ts` RFC 3339 with offset; `deviceId` optional on per-device topics but must equal the topic device if present; ' +
      'unknown properties are rejected; vendor scalars go in `attrs`.',
    '',
    'Rejection codes (quarantined messages can also be listed with GET /api/v1/quarantine):',
    codes,
    '',
    `Fleet self-provisioning (MQTT 5): a device connected with a provisioning key's identity publishes its request on \`${PROVISION_ROOT}/{keyId}/request\` ` +
      `with the properties responseTopic (= \`${PROVISION_ROOT}/{keyId}/response\`) and correlationData; the IOC answers there (QoS 1) with the same correlationData: ` +
      "the device's own credentials, or a refusal:",
    PROVISIONING_REFUSAL_CODES.map((c) => `- \`${c}\`: ${PROVISIONING_REFUSAL_MEANINGS[c]}`).join('\n'),
    '',
    'Generated from @ioc/contracts by `npm run contract:docs`; see docs/integrators/README.md for the integrator guide.',
  ].join('\n');
}

export interface ContractDocs {
  /** Files under docs/integrators/, by path relative to it, with their exact contents. */
  readonly files: Readonly<Record<string, string>>;
}

/** The AsyncAPI 3.0 document of the MQTT contract, built from the TypeBox schemas and topic constants. */
export function buildAsyncApi(): Record<string, unknown> {
  const idParam = (what: string) => ({ description: `${what}; matches ${ID_PATTERN}.` });
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const qos1 = { mqtt: { qos: 1, retain: false, bindingVersion: MQTT_BINDING } };

  for (const kind of MESSAGE_KIND_NAMES) {
    const schema = json<Record<string, unknown>>(MESSAGE_SCHEMAS[kind]);
    const example = MESSAGE_EXAMPLES[kind];
    messages[kind] = {
      name: kind,
      title: schema.title,
      summary: schema.description,
      contentType: 'application/json',
      payload: schema,
      examples: [{ name: `${kind}-example`, summary: `From device ${EXAMPLE_DEVICE[kind]}`, payload: example }],
    };
    const channelId = deviceChannelId(kind);
    channels[channelId] = {
      address: `${TOPIC_ROOT}/${domainOf(kind)}/{deviceId}/${kind}`,
      title: `${schema.title} (${kind})`,
      description: `Domain ${domainOf(kind)}, kind ${kind}. The topic names the device; a deviceId in the payload is optional and must match it.`,
      parameters: { deviceId: idParam('The device id') },
      messages: { [kind]: { $ref: `#/components/messages/${kind}` } },
    };
    operations[operationId(kind)] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channelId}` },
      summary: `The IOC receives ${kind} messages; devices publish them with QoS 1.`,
      bindings: qos1,
      messages: [{ $ref: `#/channels/${channelId}/messages/${kind}` }],
    };
  }

  const { $id: _gid, ...envelope } = json<EnvelopeSchema>(GatewayEnvelopeSchema);
  envelope.properties.messages.items = { $ref: '#/components/schemas/gateway-entry' };
  const { $id: _eid, ...entry } = json<Record<string, unknown>>(GatewayEntryHeaderSchema);
  schemas['gateway-entry'] = {
    ...entry,
    description: 'deviceId and kind, plus every property of the message of that kind (see components/messages/<kind>).',
  };
  messages.gateway = {
    name: 'gateway',
    title: 'Gateway batch',
    summary: `Up to ${GATEWAY_MAX_MESSAGES} messages of many devices; each entry is judged on its own.`,
    contentType: 'application/json',
    payload: envelope,
    examples: [
      {
        name: 'gateway-example',
        summary: 'Two devices behind a ward gateway',
        payload: {
          messages: [
            { deviceId: EXAMPLE_DEVICE['water-level'], kind: 'water-level', ...MESSAGE_EXAMPLES['water-level'] },
            { deviceId: EXAMPLE_DEVICE.rain, kind: 'rain', ...MESSAGE_EXAMPLES.rain },
          ],
        },
      },
    ],
  };
  channels.gateway = {
    address: `${TOPIC_ROOT}/gateway/{gatewayId}`,
    title: 'Gateway batch',
    description:
      "Many devices' messages on one connection. The IOC stores the valid entries and quarantines each bad one with its reason.",
    parameters: { gatewayId: idParam('The gateway id') },
    messages: { gateway: { $ref: '#/components/messages/gateway' } },
  };
  operations.receiveGatewayBatch = {
    action: 'receive',
    channel: { $ref: '#/channels/gateway' },
    summary: 'The IOC receives gateway batches; gateways publish them with QoS 1.',
    bindings: qos1,
    messages: [{ $ref: '#/channels/gateway/messages/gateway' }],
  };

  const { $id: _nid, ...notice } = json<Record<string, unknown>>(RejectionNoticeSchema);
  messages['rejection-notice'] = {
    name: 'rejection-notice',
    title: 'Rejection notice',
    summary: 'Why a message was quarantined; best effort, published after the rejection is committed.',
    contentType: 'application/json',
    payload: notice,
    examples: [
      {
        name: 'rejection-notice-example',
        payload: {
          code: 'SCHEMA_INVALID',
          reason: 'water-level: /levelCm must be <= 500',
          topic: `${TOPIC_ROOT}/flood/wl-p3-007/water-level`,
          msgId: 'wl-p3-007-000124',
          gatewayId: null,
          receivedAt: '2026-11-21T11:05:00.123Z',
        },
      },
    ],
  };
  const { $id: _rid, ...receipt } = json<Record<string, unknown>>(ReceiptSchema);
  messages.receipt = {
    name: 'receipt',
    title: 'Receipt (on request)',
    summary:
      "The outcome of one publish that carried the MQTT 5 property responseTopic equal to its sender's own feedback " +
      'topic; published after the outcome is committed, with the same correlationData. Any other responseTopic gets none.',
    contentType: 'application/json',
    payload: receipt,
    examples: [
      {
        name: 'receipt-example',
        payload: {
          status: 'stored',
          topic: `${TOPIC_ROOT}/flood/wl-p3-007/water-level`,
          receivedAt: '2026-11-21T11:05:00.123Z',
          messages: [{ msgId: 'wl-p3-007-000123', deviceId: 'wl-p3-007', kind: 'water-level', status: 'stored' }],
          rejected: [],
        },
      },
    ],
  };
  channels.feedback = {
    address: `${FEEDBACK_ROOT}/{deviceId}`,
    title: 'Rejection notices and receipts',
    description:
      `Outside ${TOPIC_ROOT}/ so the ingest never reads it. A refusal of a gateway's own doing (a batch refused as a whole, an entry without a valid deviceId, ` +
      `GATEWAY_UNKNOWN, GATEWAY_DEVICE_NOT_ASSIGNED) is published on the gateway's id; one that names neither (a malformed topic) on ${FEEDBACK_ROOT}/_unknown.`,
    parameters: { deviceId: idParam('The device id of the refused message, its gateway id, or _unknown') },
    messages: {
      'rejection-notice': { $ref: '#/components/messages/rejection-notice' },
      receipt: { $ref: '#/components/messages/receipt' },
    },
  };
  operations.sendRejectionNotice = {
    action: 'send',
    channel: { $ref: '#/channels/feedback' },
    summary:
      'The IOC publishes a rejection notice with QoS 0; the quarantine (GET /api/v1/quarantine) is the durable record.',
    bindings: { mqtt: { qos: 0, retain: false, bindingVersion: MQTT_BINDING } },
    messages: [{ $ref: '#/channels/feedback/messages/rejection-notice' }],
  };
  operations.sendReceipt = {
    action: 'send',
    channel: { $ref: '#/channels/feedback' },
    summary: 'The IOC answers a publish that asked for a receipt (MQTT 5 responseTopic), QoS 0.',
    bindings: { mqtt: { qos: 0, retain: false, bindingVersion: MQTT_BINDING } },
    messages: [{ $ref: '#/channels/feedback/messages/receipt' }],
  };

  addStandardFormats(channels, operations, messages, qos1);
  addProvisioning(channels, operations, messages);

  return {
    asyncapi: '3.0.0',
    id: 'urn:soc-trang-ioc:mqtt',
    info: {
      title: 'Sóc Trăng IOC MQTT contract',
      version: CONTRACT_VERSION,
      description: infoDescription(),
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:1883',
        protocol: 'mqtt',
        protocolVersion: '5',
        description: 'The development broker (docker/mosquitto/mosquitto.conf). MQTT 3.1.1 clients work too.',
      },
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}

/** A markdown table cell: no pipe may end it early, no newline may end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The SenML measurements the IOC maps, as a markdown table (one row, with its description, per measurement). */
export function senmlMeasurementsTable(measurements: readonly SenmlMeasurement[]): string {
  if (measurements.length === 0) return '_No SenML measurement is mapped yet._';
  const units = (m: SenmlMeasurement) =>
    Object.entries(m.units)
      .map(([unit, factor]) => {
        const offset = m.offsets?.[unit];
        const how = [factor === 1 ? '' : `×${factor}`, offset ? `${offset > 0 ? '+' : '−'}${Math.abs(offset)}` : '']
          .filter(Boolean)
          .join(' ');
        return how ? `\`${cell(unit)}\` (${how})` : `\`${cell(unit)}\``;
      })
      .join(', ');
  const names = (m: SenmlMeasurement) => [m.name, ...(m.aliases ?? [])].map((n) => `\`${cell(n)}\``).join(', ');
  return [
    '| Name | Kind | Field | Units (× factor into the field) | Description |',
    '| --- | --- | --- | --- | --- |',
    ...measurements.map(
      (m) =>
        `| ${names(m)} | ${m.kinds.join(', ')} | \`${cell(m.field)}\`${m.primary ? '' : ' (only completes a message)'} | ${units(m)} | ${cell(m.description)} |`,
    ),
  ].join('\n');
}

/** The NGSI-LD entity types the IOC maps, as a markdown table (one row, with its description, per type). */
export function ngsiLdMappingsTable(mappings: readonly NgsiLdMapping[]): string {
  if (mappings.length === 0) return '_No NGSI-LD entity type is mapped yet._';
  const attributes = (m: NgsiLdMapping) =>
    m.attributes
      .map((a) => `\`${cell(a.attribute)}\` → \`${cell(a.field)}\`${a.note ? ` (${cell(a.note)})` : ''}`)
      .join('; ');
  return [
    '| Type | Kind | Attributes → fields | Description |',
    '| --- | --- | --- | --- |',
    ...mappings.map((m) => `| \`${cell(m.type)}\` | ${m.kind} | ${attributes(m)} | ${cell(m.description)} |`),
  ].join('\n');
}

const MQTT_DOCS = 'docs/mqtt';
/** A link to a page of docs/mqtt/, relative to docs/integrators/asyncapi.json, showing its path from the repository root. */
const mqttDoc = (file: string) => `[${MQTT_DOCS}/${file}](../mqtt/${file})`;

const FORMAT_TEXT: Readonly<
  Record<
    StandardFormat,
    { title: string; plural: string; message: string; page: string; codes: string; table: () => string }
  >
> = {
  senml: {
    title: 'SenML pack',
    plural: 'SenML packs',
    message: 'senml-pack',
    page: 'senml.md',
    codes: 'SENML_INVALID, SENML_NAME_UNKNOWN, SENML_UNIT_INVALID',
    table: () =>
      'Each record whose resolved name (bn + n) ends in a mapped name becomes (part of) a native message of its kind, ' +
      "its value converted into the field's unit; a measurement that only completes a message (e.g. battery) makes none on its own.\n\n" +
      `Mapped measurements:\n\n${senmlMeasurementsTable(SENML_MEASUREMENTS)}`,
  },
  'ngsi-ld': {
    title: 'NGSI-LD entities',
    plural: 'NGSI-LD payloads',
    message: 'ngsi-ld-payload',
    page: 'ngsi-ld.md',
    codes: 'NGSI_LD_INVALID, NGSI_LD_TYPE_UNSUPPORTED, NGSI_LD_UNIT_INVALID',
    table: () =>
      'Each entity of a mapped type becomes a native message of its kind, the attributes it reads filled into its fields.\n\n' +
      `Mapped entity types (FIWARE Smart Data Models):\n\n${ngsiLdMappingsTable(NGSI_LD_MAPPINGS)}`,
  },
};

/** Unix time of EXAMPLE_TS, for SenML examples. */
const EXAMPLE_EPOCH_S = Date.parse(EXAMPLE_TS) / 1000;
const ENVELOPE_REQUIRED = new Set(['msgId', 'ts']);

/**
 * A SenML pack for the AsyncAPI example, from the descriptors: one record of the first primary measurement whose kind
 * needs no other field, its value the native example's converted into the measurement's first unit. None until the
 * translator maps a measurement (the unit test translates every example the document shows).
 */
export function senmlExamples(measurements: readonly SenmlMeasurement[]): Array<{ name: string; payload: unknown }> {
  for (const m of measurements) {
    const [kind] = m.kinds;
    if (m.kinds.length !== 1 || m.offsets) continue;
    const required = (json<{ required?: string[] }>(MESSAGE_SCHEMAS[kind]).required ?? []).filter(
      (f) => !ENVELOPE_REQUIRED.has(f),
    );
    const native = MESSAGE_EXAMPLES[kind][m.field];
    const [unit] = Object.entries(m.units);
    if (!m.primary || required.join() !== m.field || typeof native !== 'number' || !unit || !unit[1]) continue;
    const record = { bt: EXAMPLE_EPOCH_S, n: m.name, u: unit[0], v: Number((native / unit[1]).toPrecision(6)) };
    return [{ name: 'senml-pack-example', payload: [record] }];
  }
  return [];
}

/** The standard payload topics (SenML, NGSI-LD) of devices and gateways, and the IOC's own NGSI-LD bridge. */
function addStandardFormats(
  channels: Record<string, unknown>,
  operations: Record<string, unknown>,
  messages: Record<string, unknown>,
  qos1: Record<string, unknown>,
): void {
  const idParam = (what: string) => ({ description: `${what}; matches ${ID_PATTERN}.` });
  const payloadOf = (schema: unknown) => json<Record<string, unknown>>(schema);
  const senml = payloadOf(SenmlPackSchema);
  messages['senml-pack'] = {
    name: 'senml-pack',
    title: senml.title,
    summary: senml.description,
    contentType: 'application/senml+json',
    payload: senml,
    examples: senmlExamples(SENML_MEASUREMENTS).map((e) => ({
      ...e,
      summary: `From device ${EXAMPLE_DEVICE['water-level']} on its own topic (records naming no device are its own)`,
    })),
  };
  const ngsi = payloadOf(NgsiLdPayloadSchema);
  messages['ngsi-ld-payload'] = {
    name: 'ngsi-ld-payload',
    title: ngsi.title,
    summary: ngsi.description,
    contentType: 'application/json',
    payload: ngsi,
  };

  const common = (format: StandardFormat) => {
    const f = FORMAT_TEXT[format];
    return (
      'Standard payloads carry no msgId: the IOC derives one from device, kind and time, so the same observation sent twice is stored once. ' +
      `Rejection codes of the format: ${f.codes}. Guide: ${mqttDoc(f.page)}.\n\n${f.table()}`
    );
  };
  const add = (
    channelId: string,
    format: StandardFormat,
    channel: { address: string; title: string; description: string; parameters: Record<string, unknown> },
    summary: string,
    extra: Record<string, unknown> = {},
  ) => {
    const { message } = FORMAT_TEXT[format];
    channels[channelId] = {
      ...channel,
      description: `${channel.description}\n\n${common(format)}`,
      messages: { [message]: { $ref: `#/components/messages/${message}` } },
      ...extra,
    };
    operations[operationId(channelId)] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channelId}` },
      summary,
      bindings: qos1,
      messages: [{ $ref: `#/channels/${channelId}/messages/${message}` }],
    };
  };

  for (const format of ['senml', 'ngsi-ld'] as const) {
    const { title, plural } = FORMAT_TEXT[format];
    add(
      format,
      format,
      {
        address: standardTopic(format, '{deviceId}'),
        title: `${title} from a device`,
        description:
          "A device's own payload in a standard format. What names no device is the topic's device; " +
          "what names another device is refused (DEVICE_ID_MISMATCH). The translated messages must be of kinds the device's type sends.",
        parameters: { deviceId: idParam('The device id') },
      },
      `The IOC receives ${plural} from devices; devices publish them with QoS 1.`,
    );
    add(
      `gateway-${format}`,
      format,
      {
        address: gatewayStandardTopic(format, '{gatewayId}'),
        title: `${title} from a gateway`,
        description:
          `Several of a gateway's devices in one standard payload: each part must name its device (how: ${mqttDoc(FORMAT_TEXT[format].page)}). ` +
          'A part for a device not assigned to the gateway is refused (GATEWAY_DEVICE_NOT_ASSIGNED) and the others are stored; notices go to the gateway.',
        parameters: { gatewayId: idParam('The gateway id') },
      },
      `The IOC receives ${plural} from gateways; gateways publish them with QoS 1.`,
    );
  }

  const bridge = 'bridge-ngsi-ld';
  add(
    bridge,
    'ngsi-ld',
    {
      address: bridgeTopic('ngsi-ld', '{bridgeId}'),
      title: 'NGSI-LD notifications forwarded by the IOC (IOC-internal)',
      description:
        '**IOC-internal: only the IOC publishes here.** The broker grants no device, gateway or integrator the right to publish on ' +
        `${TOPIC_ROOT}/bridge/; a context broker (Orion-LD) delivers its notifications to the IOC's HTTP endpoint ` +
        '`POST /api/v1/ngsi-ld/notify` instead, which forwards each one it accepts here. The ingest then reads it like any other ' +
        'standard payload; each entity names its own device.',
      parameters: { bridgeId: idParam('The id of the IOC bridge that forwarded the payload (e.g. ngsi-ld-http)') },
    },
    "The IOC's ingest receives the NGSI-LD payloads its own HTTP bridge forwarded.",
    {
      tags: [
        { name: 'ioc-internal', description: 'Published only by the IOC itself; not for devices or integrators.' },
      ],
    },
  );
  operations.sendBridgeNgsiLd = {
    action: 'send',
    channel: { $ref: `#/channels/${bridge}` },
    summary:
      'The IOC (POST /api/v1/ngsi-ld/notify) publishes each Orion-LD notification it accepts, with QoS 1; nobody else may publish here.',
    bindings: qos1,
    messages: [{ $ref: `#/channels/${bridge}/messages/ngsi-ld-payload` }],
  };
}

/** A zod schema as draft-07 JSON Schema, without the `$schema` line (the document's messages carry none). */
function zodJson(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<string, unknown>;
  return rest;
}

/** The provisioning request (devices send, the IOC receives) and its answer (the IOC sends). */
function addProvisioning(
  channels: Record<string, unknown>,
  operations: Record<string, unknown>,
  messages: Record<string, unknown>,
): void {
  const mqtt5 = (responseTopic?: string) => ({
    mqtt: {
      correlationData: { type: 'string', description: "Bytes of the device's choosing, echoed in the answer." },
      ...(responseTopic && { responseTopic }),
      bindingVersion: MQTT_BINDING,
    },
  });
  const keyId = { description: 'The provisioning key id (its MQTT username is prov-{keyId}).' };
  messages['provision-request'] = {
    name: 'provision-request',
    title: 'Provisioning request',
    summary: 'A device asks for its own identity, within the limits of the key it connected with.',
    contentType: 'application/json',
    payload: zodJson(ProvisionRequestSchema, 'input'),
    bindings: mqtt5(`${PROVISION_ROOT}/{keyId}/response`),
    examples: [
      {
        name: 'provision-request-example',
        payload: { deviceId: 'wl-p3-101', type: 'water-level-sensor', wardId: 'ward-p3' },
      },
    ],
  };
  messages['provision-response'] = {
    name: 'provision-response',
    title: 'Provisioning answer',
    summary: "The device's credentials (shown this once), or why not.",
    contentType: 'application/json',
    payload: zodJson(ProvisionResponseSchema, 'output'),
    bindings: mqtt5(),
    examples: [
      {
        name: 'provision-response-ok',
        payload: {
          status: 'ok',
          credentials: {
            username: 'wl-p3-101',
            password: '<32 characters, shown once>',
            clientId: 'wl-p3-101',
            publish: [`${TOPIC_ROOT}/flood/wl-p3-101/water-level`],
            subscribe: [`${FEEDBACK_ROOT}/wl-p3-101`],
          },
        },
      },
      {
        name: 'provision-response-refused',
        payload: {
          status: 'refused',
          code: 'PROVISIONING_KEY_EXHAUSTED',
          reason: 'the provisioning key has provisioned its 50 devices',
        },
      },
    ],
  };
  channels['provision-request'] = {
    address: `${PROVISION_ROOT}/{keyId}/request`,
    title: 'Provisioning requests',
    description: "Only the key's identity may publish here (and nothing else); publish with MQTT 5 and QoS 1.",
    parameters: { keyId },
    messages: { 'provision-request': { $ref: '#/components/messages/provision-request' } },
  };
  channels['provision-response'] = {
    address: `${PROVISION_ROOT}/{keyId}/response`,
    title: 'Provisioning answers',
    description: "Only the key's identity may subscribe here; subscribe before publishing the request.",
    parameters: { keyId },
    messages: { 'provision-response': { $ref: '#/components/messages/provision-response' } },
  };
  operations.receiveProvisionRequest = {
    action: 'receive',
    channel: { $ref: '#/channels/provision-request' },
    summary: "The IOC receives provisioning requests and answers each on the key's response topic.",
    bindings: { mqtt: { qos: 1, retain: false, bindingVersion: MQTT_BINDING } },
    messages: [{ $ref: '#/channels/provision-request/messages/provision-request' }],
    reply: {
      channel: { $ref: '#/channels/provision-response' },
      messages: [{ $ref: '#/channels/provision-response/messages/provision-response' }],
    },
  };
  operations.sendProvisionResponse = {
    action: 'send',
    channel: { $ref: '#/channels/provision-response' },
    summary: "The IOC answers with QoS 1 and the request's correlationData; the answer expires after 60 s.",
    bindings: { mqtt: { qos: 1, retain: false, bindingVersion: MQTT_BINDING } },
    messages: [{ $ref: '#/channels/provision-response/messages/provision-response' }],
  };
}

/**
 * Every file of docs/integrators/ that is generated: asyncapi.json and one JSON Schema per message kind, plus the
 * gateway batch and the standard payloads (SenML pack, NGSI-LD).
 */
export function buildContractDocs(): ContractDocs {
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const files: Record<string, string> = { 'asyncapi.json': text(buildAsyncApi()) };
  for (const kind of MESSAGE_KIND_NAMES) {
    files[`schemas/${kind}.schema.json`] = text({
      $schema: DRAFT_07,
      ...json<Record<string, unknown>>(MESSAGE_SCHEMAS[kind]),
    });
  }
  files['schemas/gateway.schema.json'] = text(gatewayFileSchema());
  for (const schema of [SenmlPackSchema, NgsiLdPayloadSchema, ReceiptSchema]) {
    const standard = json<Record<string, unknown>>(schema);
    files[`schemas/${String(standard.$id)}.schema.json`] = text({ $schema: DRAFT_07, ...standard });
  }
  return { files };
}
