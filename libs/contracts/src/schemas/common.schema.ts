import { Type, type TSchema, type TObject, type TProperties } from '@sinclair/typebox';

/** Device and gateway ids travel in MQTT topic levels, so they exclude '/', '+', '#' and spaces. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$';

export const DeviceId = Type.String({ pattern: ID_PATTERN, description: 'Device id as registered with the IOC.' });
export const MsgId = Type.String({
  pattern: ID_PATTERN,
  description: 'Unique per device; a redelivery or resend with the same msgId is stored once.',
});
export const Timestamp = Type.String({
  format: 'date-time',
  description: 'Event time, RFC 3339 with offset, e.g. 2026-11-21T18:05:00.000+07:00.',
});
export const Percent = Type.Number({ minimum: 0, maximum: 100 });
export const BatteryPct = Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Battery charge, %.' }));
export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });
/** The limits of `attrs`: how many, how long a name, how long a string value. */
export const ATTRS_LIMITS = { maxProperties: 32, maxKeyLength: 64, maxStringLength: 256 } as const;
export const Attrs = Type.Optional(
  Type.Record(
    Type.String({ maxLength: ATTRS_LIMITS.maxKeyLength }),
    Type.Union([Type.String({ maxLength: ATTRS_LIMITS.maxStringLength }), Type.Number(), Type.Boolean(), Type.Null()]),
    {
      maxProperties: ATTRS_LIMITS.maxProperties,
      description: `Vendor-specific scalar attributes (at most ${ATTRS_LIMITS.maxProperties}, strings up to ${ATTRS_LIMITS.maxStringLength} characters), kept but not interpreted.`,
    },
  ),
);

/** Every message kind shares this envelope; `deviceId` may be omitted on a per-device topic (the topic names it). */
const envelope = { deviceId: Type.Optional(DeviceId), msgId: MsgId, ts: Timestamp, attrs: Attrs };
export type Envelope = typeof envelope;

export function messageSchema<P extends TProperties>(
  id: string,
  title: string,
  description: string,
  fields: P,
): TObject<Envelope & P> {
  const properties = { ...envelope, ...fields } as Envelope & P;
  return Type.Object(properties, { $id: id, title, description, additionalProperties: false }) as TObject<Envelope & P>;
}

export type Schema = TSchema;
