import { Type, type TObject } from '@sinclair/typebox';
import type { MessageKind } from '@ioc/domain';
import { MESSAGE_KIND_NAMES } from '@ioc/domain';
import { PumpSchema, RainSchema, SluiceGateSchema, TideSchema, WaterLevelSchema } from './flood.schema';
import { BinFillSchema, TruckPickupSchema, TruckPositionSchema } from './waste.schema';
import { CameraDetectionSchema, CameraHealthSchema, CameraTrafficSchema } from './camera.schema';
import { DeviceId } from './common.schema';

export {
  Attrs,
  BatteryPct,
  DeviceId,
  ID_PATTERN,
  Latitude,
  Longitude,
  messageSchema,
  MsgId,
  Percent,
  Timestamp,
  type Envelope,
  type Schema,
} from './common.schema';
export { PumpSchema, RainSchema, SluiceGateSchema, TideSchema, WaterLevelSchema } from './flood.schema';
export { BinFillSchema, TruckPickupSchema, TruckPositionSchema } from './waste.schema';
export {
  CAMERA_DETECTION_TYPES,
  CameraDetectionSchema,
  CameraHealthSchema,
  CameraTrafficSchema,
  CONGESTION_LEVELS,
} from './camera.schema';
export {
  NgsiLdEntitySchema,
  NgsiLdNotificationSchema,
  NgsiLdPayloadSchema,
  SENML_MAX_RECORDS,
  SenmlPackSchema,
  SenmlRecordSchema,
} from './standard.schema';

/** One JSON Schema per message kind: the single source for validation and for the integrator docs. */
export const MESSAGE_SCHEMAS = {
  'water-level': WaterLevelSchema,
  rain: RainSchema,
  tide: TideSchema,
  pump: PumpSchema,
  'sluice-gate': SluiceGateSchema,
  'bin-fill': BinFillSchema,
  'truck-position': TruckPositionSchema,
  'truck-pickup': TruckPickupSchema,
  'camera-traffic': CameraTrafficSchema,
  'camera-detection': CameraDetectionSchema,
  'camera-health': CameraHealthSchema,
} satisfies Record<MessageKind, TObject>;

/** Largest number of device messages one gateway publish may carry. */
export const GATEWAY_MAX_MESSAGES = 500;

/** Each gateway entry is a message of its kind plus these two properties naming the device and the kind. */
export const GatewayEntryHeaderSchema = Type.Object(
  {
    deviceId: DeviceId,
    kind: Type.Union(MESSAGE_KIND_NAMES.map((k) => Type.Literal(k))),
  },
  { $id: 'gateway-entry', additionalProperties: true },
);

/**
 * The gateway envelope: many devices' messages on one connection. Entries are judged one by one, so one bad entry
 * is quarantined alone and the others are stored.
 */
export const GatewayEnvelopeSchema = Type.Object(
  {
    messages: Type.Array(Type.Object({}, { additionalProperties: true }), {
      minItems: 1,
      maxItems: GATEWAY_MAX_MESSAGES,
      description: 'Entries: { deviceId, kind, ...the message of that kind }.',
    }),
  },
  { $id: 'gateway', title: 'Gateway batch', additionalProperties: false },
);
