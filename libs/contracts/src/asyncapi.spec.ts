import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMAINS, domainOf, MESSAGE_KIND_NAMES, REJECTION_CODES } from '@ioc/domain';
import { buildAsyncApi, buildContractDocs, MESSAGE_EXAMPLES, REJECTION_CODE_MEANINGS } from './asyncapi';
import { PROVISIONING_REFUSAL_CODES, ProvisionRequestSchema, ProvisionResponseSchema } from './provisioning';
import { GatewayEnvelopeSchema, MESSAGE_SCHEMAS } from './schemas';
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

describe('docs/integrators', () => {
  const dir = path.resolve(__dirname, '../../../docs/integrators');
  const { files } = buildContractDocs();

  it('has one JSON Schema file per message kind, equal to the schema the IOC validates with, plus the gateway batch', () => {
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith('schemas/'))
        .sort(),
    ).toEqual([...MESSAGE_KIND_NAMES.map((k) => `schemas/${k}.schema.json`), 'schemas/gateway.schema.json'].sort());
    for (const kind of MESSAGE_KIND_NAMES) {
      const { $schema, ...schema } = JSON.parse(files[`schemas/${kind}.schema.json`]);
      expect($schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema).toEqual(asJson(MESSAGE_SCHEMAS[kind]));
    }
    const gateway = JSON.parse(files['schemas/gateway.schema.json']);
    expect(gateway.properties.messages.maxItems).toBe(asJson(GatewayEnvelopeSchema).properties.messages.maxItems);
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
