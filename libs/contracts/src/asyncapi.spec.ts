import { ReceiptSchema } from './receipt';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMAINS, domainOf, MESSAGE_KIND_NAMES, REJECTION_CODES } from '@ioc/domain';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  buildAsyncApi,
  buildContractDocs,
  MESSAGE_EXAMPLES,
  ngsiLdMappingsTable,
  REJECTION_CODE_MEANINGS,
  senmlExamples,
  senmlMeasurementsTable,
} from './asyncapi';
import {
  NGSI_LD_MAPPINGS,
  SENML_MEASUREMENTS,
  translateSenml,
  type NgsiLdMapping,
  type SenmlMeasurement,
} from './formats';
import { PROVISIONING_REFUSAL_CODES, ProvisionRequestSchema, ProvisionResponseSchema } from './provisioning';
import { GatewayEnvelopeSchema, MESSAGE_SCHEMAS, NgsiLdPayloadSchema, SenmlPackSchema } from './schemas';
import { parseTopic } from './topics';
import { createMessageValidators } from './validation';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed AsyncAPI document, walked by path in assertions
type Doc = Record<string, any>;

/** Follows a local $ref ("#/a/b") inside the document. */
function deref(doc: Doc, node: Doc): Doc {
  if (!node.$ref) return node;
  return (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce((at: Doc, key) => at[key], doc);
}

const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('AsyncAPI contract document', () => {
  const doc: Doc = buildAsyncApi();

  it('is AsyncAPI 3.0 with every operation pointing at an existing channel and message', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    for (const [id, op] of Object.entries<Doc>(doc.operations)) {
      const channel = deref(doc, op.channel);
      expect({ id, address: channel.address }).toEqual({ id, address: expect.any(String) });
      for (const m of op.messages) expect(deref(doc, deref(doc, m)).payload).toBeDefined();
    }
  });

  it.each(MESSAGE_KIND_NAMES)(
    'has a channel for %s whose one message carries exactly its schema, received with QoS 1',
    (kind) => {
      const channels = Object.values<Doc>(doc.channels).filter((c) => c.address.endsWith(`/${kind}`));
      expect(channels).toHaveLength(1);
      const [channel] = channels;
      expect(channel.address).toBe(`ioc/v1/${domainOf(kind)}/{deviceId}/${kind}`);
      // The address with a concrete device id is a topic the ingest accepts for this kind.
      expect(parseTopic(channel.address.replace('{deviceId}', 'dev-1'))).toMatchObject({ type: 'device', kind });
      const messages = Object.values<Doc>(channel.messages).map((m) => deref(doc, m));
      expect(messages).toHaveLength(1);
      expect(messages[0].payload).toEqual(asJson(MESSAGE_SCHEMAS[kind]));
      const op = Object.values<Doc>(doc.operations).find((o) => deref(doc, o.channel) === channel);
      expect(op).toMatchObject({ action: 'receive', bindings: { mqtt: { qos: 1 } } });
    },
  );

  it('documents the gateway batch and the feedback channel', () => {
    const gateway = Object.values<Doc>(doc.channels).find((c) => c.address === 'ioc/v1/gateway/{gatewayId}');
    expect(gateway).toBeDefined();
    const feedback = Object.values<Doc>(doc.channels).find((c) => c.address === 'ioc/feedback/v1/{deviceId}');
    const notice = deref(doc, Object.values<Doc>(feedback!.messages)[0]).payload;
    expect(Object.keys(notice.properties).sort()).toEqual([
      'code',
      'gatewayId',
      'msgId',
      'reason',
      'receivedAt',
      'topic',
    ]);
    expect(notice.properties.code.anyOf.map((c: Doc) => c.const)).toEqual([...REJECTION_CODES]);
    for (const code of REJECTION_CODES)
      expect(doc.info.description).toContain(`\`${code}\`: ${REJECTION_CODE_MEANINGS[code]}`);
    expect(DOMAINS.every((d) => MESSAGE_KIND_NAMES.some((k) => domainOf(k) === d))).toBe(true);
  });

  it('documents fleet provisioning: request and answer channels, the reply, examples that parse, every refusal code', () => {
    const request = Object.values<Doc>(doc.channels).find((c) => c.address === 'ioc/provision/v1/{keyId}/request');
    const response = Object.values<Doc>(doc.channels).find((c) => c.address === 'ioc/provision/v1/{keyId}/response');
    const receive = Object.values<Doc>(doc.operations).find((o) => deref(doc, o.channel) === request);
    expect(receive).toMatchObject({ action: 'receive', bindings: { mqtt: { qos: 1 } } });
    expect(deref(doc, receive!.reply.channel)).toBe(response);
    const [asked] = Object.values<Doc>(request!.messages).map((m) => deref(doc, m));
    const [answered] = Object.values<Doc>(response!.messages).map((m) => deref(doc, m));
    expect(asked.bindings.mqtt.responseTopic).toBe(response!.address);
    for (const e of asked.examples) expect(ProvisionRequestSchema.safeParse(e.payload).success).toBe(true);
    for (const e of answered.examples) expect(ProvisionResponseSchema.safeParse(e.payload).success).toBe(true);
    expect(answered.payload.oneOf[1].properties.code.enum).toEqual([...PROVISIONING_REFUSAL_CODES]);
    for (const code of PROVISIONING_REFUSAL_CODES) expect(doc.info.description).toContain(`\`${code}\``);
  });

  it('shows examples the IOC accepts', () => {
    const v = createMessageValidators();
    for (const kind of MESSAGE_KIND_NAMES)
      expect({ kind, ok: v.kinds[kind](MESSAGE_EXAMPLES[kind]), errors: v.kinds[kind].errors }).toEqual({
        kind,
        ok: true,
        errors: null,
      });
    const batch = doc.components.messages.gateway.examples[0].payload;
    expect(v.gateway(batch)).toBe(true);
    for (const entry of batch.messages) {
      expect(v.gatewayEntry(entry)).toBe(true);
      const { kind, ...body } = entry;
      expect(v.kinds[kind as keyof typeof MESSAGE_SCHEMAS](body)).toBe(true);
    }
  });
});

/** The standard-payload schemas compile in Ajv's strict mode, like the kinds' (so a translator may validate with them). */
function standardValidators() {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  addFormats(ajv, ['date-time']);
  return { senml: ajv.compile(SenmlPackSchema), ngsiLd: ajv.compile(NgsiLdPayloadSchema) };
}

describe('AsyncAPI contract document: standard payloads (SenML, NGSI-LD)', () => {
  const doc: Doc = buildAsyncApi();
  const channelAt = (address: string) => Object.values<Doc>(doc.channels).find((c) => c.address === address);
  const cases = [
    { address: 'ioc/v1/senml/{deviceId}', topic: { format: 'senml', deviceId: 'dev-1' }, page: 'senml.md' },
    { address: 'ioc/v1/ngsi-ld/{deviceId}', topic: { format: 'ngsi-ld', deviceId: 'dev-1' }, page: 'ngsi-ld.md' },
    {
      address: 'ioc/v1/gateway/{gatewayId}/senml',
      topic: { format: 'senml', gatewayId: 'dev-1' },
      page: 'senml.md',
    },
    {
      address: 'ioc/v1/gateway/{gatewayId}/ngsi-ld',
      topic: { format: 'ngsi-ld', gatewayId: 'dev-1' },
      page: 'ngsi-ld.md',
    },
    {
      address: 'ioc/v1/bridge/{bridgeId}/ngsi-ld',
      topic: { format: 'ngsi-ld', bridgeId: 'dev-1' },
      page: 'ngsi-ld.md',
    },
  ];

  it.each(cases)(
    'has the channel $address, a topic the ingest routes to its translator',
    ({ address, topic, page }) => {
      const channel = channelAt(address);
      expect(channel).toBeDefined();
      expect(parseTopic(address.replace(/\{\w+\}/, 'dev-1'))).toEqual({ type: 'standard', ...topic });
      const [message, ...others] = Object.values<Doc>(channel!.messages).map((m) => deref(doc, m));
      expect(others).toEqual([]);
      const schema = topic.format === 'senml' ? SenmlPackSchema : NgsiLdPayloadSchema;
      expect(message.payload).toEqual(asJson(schema));
      expect(channel!.description).toContain(`[docs/mqtt/${page}](../mqtt/${page})`);
      const receive = Object.values<Doc>(doc.operations).filter(
        (o) => deref(doc, o.channel) === channel && o.action === 'receive',
      );
      expect(receive).toEqual([expect.objectContaining({ bindings: { mqtt: expect.objectContaining({ qos: 1 }) } })]);
    },
  );

  it('describes every SenML measurement and NGSI-LD mapping on its channels, in a table', () => {
    for (const c of cases) {
      const lines: string[] = channelAt(c.address)!.description.split('\n');
      const entries: Array<{ key: string; description: string }> =
        c.topic.format === 'senml'
          ? SENML_MEASUREMENTS.map((m) => ({ key: `\`${m.name}\``, description: m.description }))
          : NGSI_LD_MAPPINGS.map((m) => ({ key: `\`${m.type}\``, description: m.description }));
      for (const { key, description } of entries)
        expect(
          lines.filter(
            (l) =>
              (l.startsWith(`| ${key} |`) || l.startsWith(`| ${key}, `)) &&
              l.includes(description.replace(/\|/g, '\\|')),
          ),
        ).toHaveLength(1);
      const table =
        c.topic.format === 'senml' ? senmlMeasurementsTable(SENML_MEASUREMENTS) : ngsiLdMappingsTable(NGSI_LD_MAPPINGS);
      expect(channelAt(c.address)!.description).toContain(table);
    }
  });

  it("documents the bridge channel as the IOC's own: tagged ioc-internal, sent by the IOC, not for integrators", () => {
    const bridge = channelAt('ioc/v1/bridge/{bridgeId}/ngsi-ld')!;
    expect(bridge.tags).toEqual([expect.objectContaining({ name: 'ioc-internal' })]);
    expect(bridge.description).toContain('only the IOC publishes here');
    expect(bridge.description).toContain('POST /api/v1/ngsi-ld/notify');
    const actions = Object.values<Doc>(doc.operations)
      .filter((o) => deref(doc, o.channel) === bridge)
      .map((o) => o.action)
      .sort();
    expect(actions).toEqual(['receive', 'send']);
  });

  it('renders descriptor tables: one row per entry, units with their factors, pipes escaped', () => {
    const measurements: SenmlMeasurement[] = [
      {
        name: 'waterLevel',
        kinds: ['water-level'],
        field: 'levelCm',
        units: { cm: 1, m: 100 },
        primary: true,
        description: 'Water above the road | surface.',
      },
      {
        name: 'battery',
        kinds: ['water-level', 'tide'],
        field: 'batteryPct',
        units: { '%': 1 },
        primary: false,
        description: 'B.',
      },
    ];
    expect(senmlMeasurementsTable(measurements).split('\n')).toEqual([
      '| Name | Kind | Field | Units (× factor into the field) | Description |',
      '| --- | --- | --- | --- | --- |',
      '| `waterLevel` | water-level | `levelCm` | `cm`, `m` (×100) | Water above the road \\| surface. |',
      '| `battery` | water-level, tide | `batteryPct` (only completes a message) | `%` | B. |',
    ]);
    expect(senmlMeasurementsTable([])).toMatch(/^_No SenML measurement/);
    const mappings: NgsiLdMapping[] = [
      {
        type: 'WaterObserved',
        kind: 'water-level',
        attributes: [
          { attribute: 'height', field: 'levelCm', note: 'unitCode MTR ×100' },
          { attribute: 'batteryLevel', field: 'batteryPct', note: '' },
        ],
        description: 'Street water level.',
      },
    ];
    expect(ngsiLdMappingsTable(mappings).split('\n')).toEqual([
      '| Type | Kind | Attributes → fields | Description |',
      '| --- | --- | --- | --- |',
      '| `WaterObserved` | water-level | `height` → `levelCm` (unitCode MTR ×100); `batteryLevel` → `batteryPct` | Street water level. |',
    ]);
    expect(ngsiLdMappingsTable([])).toMatch(/^_No NGSI-LD entity type/);
  });

  it('makes a SenML example from the first primary measurement whose kind needs nothing else, valid against the pack', () => {
    const m = (over: Partial<SenmlMeasurement>): SenmlMeasurement => ({
      name: 'x',
      kinds: ['water-level'],
      field: 'levelCm',
      units: { m: 100 },
      primary: true,
      description: '',
      ...over,
    });
    const examples = senmlExamples([
      m({ name: 'battery', field: 'batteryPct', primary: false }),
      m({ name: 'rain', kinds: ['rain'], field: 'rainMm', units: { mm: 1 } }), // rain also needs intervalS
      m({ name: 'waterLevel' }),
    ]);
    expect(examples).toEqual([
      { name: 'senml-pack-example', payload: [{ bt: 1795259100, n: 'waterLevel', u: 'm', v: 0.185 }] },
    ]);
    expect(standardValidators().senml(examples[0].payload)).toBe(true);
    expect(senmlExamples([])).toEqual([]);
  });

  it('shows only SenML examples that match the pack and that the translator turns into messages without rejection', () => {
    const v = standardValidators();
    for (const e of doc.components.messages['senml-pack'].examples) {
      expect(v.senml(e.payload)).toBe(true);
      const t = translateSenml(e.payload, { deviceId: 'wl-p3-007', receivedAt: new Date('2026-11-21T11:05:00Z') });
      expect({ rejected: t.rejected, messages: t.messages.length > 0 }).toEqual({ rejected: [], messages: true });
    }
  });

  it('accepts the shapes of RFC 8428 and NGSI-LD, and refuses what is not one', () => {
    const v = standardValidators();
    const entity = {
      id: 'urn:ngsi-ld:WaterObserved:wl-p3-007',
      type: 'WaterObserved',
      height: { type: 'Property', value: 0.18 },
    };
    const notification = {
      id: 'urn:ngsi-ld:Notification:1',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:ioc',
      notifiedAt: '2026-11-21T11:05:00.000Z',
      data: [entity],
    };
    for (const ok of [entity, [entity, entity], notification]) expect(v.ngsiLd(ok)).toBe(true);
    for (const bad of [[], {}, { id: 'x' }, { ...notification, data: [] }, 'x']) expect(v.ngsiLd(bad)).toBe(false);
    const pack = [
      { bn: 'urn:dev:ow:10e2073a01080063:', bt: 1.320067464e9, bu: 'Cel', bver: 10, n: 'temp', v: 23.1 },
      { n: 'alarm', vb: false, t: 10, ut: 60 },
      { n: 'label', vs: 'p3' },
      { n: 'raw', vd: 'AAE' },
      { n: 'rain', u: 'mm', s: 4.2, bs: 0, bv: 0 },
    ];
    expect(v.senml(pack)).toBe(true);
    for (const bad of [[], {}, [{ v: 'x' }], [{ bver: 0 }], Array(501).fill({ n: 'x', v: 1 })])
      expect(v.senml(bad)).toBe(false);
  });
});

describe('docs/integrators', () => {
  const dir = path.resolve(__dirname, '../../../docs/integrators');
  const { files } = buildContractDocs();

  it('has one JSON Schema file per message kind, equal to the schema the IOC validates with, plus the gateway batch and standard payloads', () => {
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith('schemas/'))
        .sort(),
    ).toEqual(
      [
        ...MESSAGE_KIND_NAMES.map((k) => `schemas/${k}.schema.json`),
        'schemas/gateway.schema.json',
        'schemas/senml-pack.schema.json',
        'schemas/ngsi-ld-payload.schema.json',
        'schemas/receipt.schema.json',
      ].sort(),
    );
    for (const kind of MESSAGE_KIND_NAMES) {
      const { $schema, ...schema } = JSON.parse(files[`schemas/${kind}.schema.json`]);
      expect($schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema).toEqual(asJson(MESSAGE_SCHEMAS[kind]));
    }
    const gateway = JSON.parse(files['schemas/gateway.schema.json']);
    expect(gateway.properties.messages.maxItems).toBe(asJson(GatewayEnvelopeSchema).properties.messages.maxItems);
    for (const [file, schema] of [
      ['schemas/senml-pack.schema.json', SenmlPackSchema],
      ['schemas/ngsi-ld-payload.schema.json', NgsiLdPayloadSchema],
      ['schemas/receipt.schema.json', ReceiptSchema],
    ] as const) {
      const { $schema, ...rest } = JSON.parse(files[file]);
      expect([$schema, rest]).toEqual(['http://json-schema.org/draft-07/schema#', asJson(schema)]);
    }
  });

  it.each(Object.keys(buildContractDocs().files))(
    'committed %s matches the contract (if not: run `npm run contract:docs` and commit)',
    (rel) => {
      const file = path.join(dir, rel);
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing)';
      expect(committed).toBe(files[rel]);
    },
  );

  it('holds no schema file the contract no longer has (if not: run `npm run contract:docs`)', () => {
    const present = fs.readdirSync(path.join(dir, 'schemas')).map((f) => `schemas/${f}`);
    expect(present.filter((f) => !(f in files))).toEqual([]);
  });
});
