import { Type } from '@sinclair/typebox';
import { Timestamp } from './common.schema';

/**
 * JSON Schemas of the standard payloads the IOC translates (SenML, NGSI-LD). They describe the payload's shape for
 * integrators and the AsyncAPI document; what the IOC maps out of them (names, units, entity types) is the
 * translators' (libs/contracts/src/formats) and is documented from their descriptors.
 */

/** Largest number of records one SenML pack may carry (as many as a native gateway batch has messages). */
export const SENML_MAX_RECORDS = 500;

const senmlNumber = (description: string) => Type.Optional(Type.Number({ description }));
const senmlString = (description: string) => Type.Optional(Type.String({ description }));

/** One SenML record (RFC 8428 section 4, JSON representation). Base fields apply to it and the records after it. */
export const SenmlRecordSchema = Type.Object(
  {
    bn: senmlString('Base name: prefixed to the name of this record and of the records after it.'),
    bt: senmlNumber('Base time, s: added to the time of this record and of the records after it.'),
    bu: senmlString('Base unit: the unit of this record and of the records after it that have none.'),
    bv: senmlNumber('Base value: added to the value of this record and of the records after it.'),
    bs: senmlNumber('Base sum: added to the sum of this record and of the records after it.'),
    bver: Type.Optional(
      Type.Integer({ minimum: 1, description: 'SenML version of the pack (10 by default); above 10 is refused.' }),
    ),
    n: senmlString('Name, appended to the base name; the resolved name (bn + n) names the measurement.'),
    u: senmlString('Unit, a symbol of the SenML units registry (RFC 8428 section 12.1, RFC 8798), e.g. "Cel", "m".'),
    v: senmlNumber('Numeric value.'),
    vs: senmlString('String value.'),
    vb: Type.Optional(Type.Boolean({ description: 'Boolean value.' })),
    vd: senmlString('Data value: base64url-encoded bytes, without padding.'),
    s: senmlNumber('Sum: the integrated value over time (e.g. rain accumulated), in the unit.'),
    t: senmlNumber(
      'Time, s: with bt, seconds since 1970-01-01T00:00:00Z if 2^28 or more, otherwise relative to now (when the IOC received the pack); absent: now.',
    ),
    ut: senmlNumber('Update time, s: the longest time until the sensor sends a newer value of this measurement.'),
  },
  {
    additionalProperties: true,
    description:
      'A record: all fields optional; a record carries at most one of v, vs, vb and vd. Other fields are extensions: ' +
      'those whose name ends in "_" must be understood, and the IOC refuses a pack with one it does not know (SENML_INVALID); others are ignored.',
  },
);

/** A SenML pack (RFC 8428), JSON representation: published on ioc/v1/senml/{deviceId} and ioc/v1/gateway/{gatewayId}/senml. */
export const SenmlPackSchema = Type.Array(SenmlRecordSchema, {
  $id: 'senml-pack',
  title: 'SenML pack',
  description:
    `A SenML pack (RFC 8428, media type application/senml+json): an array of 1 to ${SENML_MAX_RECORDS} records. ` +
    'The IOC resolves each record (base fields applied), maps the ones whose name it knows onto native messages, and judges those like native ones.',
  minItems: 1,
  maxItems: SENML_MAX_RECORDS,
});

/** An NGSI-LD entity, normalized or concise: id and type, and its attributes. */
export const NgsiLdEntitySchema = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      description: 'The entity id, a URI, e.g. urn:ngsi-ld:WaterObserved:wl-p3-007.',
    }),
    type: Type.String({
      minLength: 1,
      not: { const: 'Notification' },
      description: 'The entity type: a FIWARE Smart Data Model the IOC maps, e.g. WaterObserved (not "Notification").',
    }),
    '@context': Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.Unknown()), Type.Object({}, { additionalProperties: true })], {
        description:
          'JSON-LD @context (payloads sent as application/ld+json); the IOC reads the short attribute names.',
      }),
    ),
  },
  {
    additionalProperties: Type.Unknown({
      description:
        'An attribute: a Property {type: "Property", value, unitCode?, observedAt?}, a Relationship {type: "Relationship", object}, ' +
        'a GeoProperty {type: "GeoProperty", value: GeoJSON geometry}, or its concise form.',
    }),
    description: 'An NGSI-LD entity: id, type and attributes.',
  },
);

/** An NGSI-LD notification, as a context broker (Orion-LD) sends it to a subscriber. */
export const NgsiLdNotificationSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'The notification id (a URI).' }),
    type: Type.Literal('Notification'),
    subscriptionId: Type.String({ minLength: 1, description: 'The subscription that triggered it (a URI).' }),
    notifiedAt: { ...Timestamp, description: 'When the context broker sent it.' },
    data: Type.Array(NgsiLdEntitySchema, { minItems: 1, description: 'The entities notified.' }),
  },
  {
    additionalProperties: true,
    description:
      'An NGSI-LD notification: the entities of a subscription (other members, e.g. triggerReason, ignored).',
  },
);

/** What may be published on ioc/v1/ngsi-ld/{deviceId}, ioc/v1/gateway/{gatewayId}/ngsi-ld and the bridge topic. */
export const NgsiLdPayloadSchema = Type.Union(
  [
    NgsiLdNotificationSchema,
    NgsiLdEntitySchema,
    Type.Array(NgsiLdEntitySchema, { minItems: 1, description: 'Several entities.' }),
  ],
  {
    $id: 'ngsi-ld-payload',
    title: 'NGSI-LD payload',
    description:
      'NGSI-LD (ETSI GS CIM 009) entities of FIWARE Smart Data Models: one entity, an array of entities, or a notification. ' +
      'The IOC maps each entity of a type it knows onto a native message and judges it like a native one.',
  },
);
