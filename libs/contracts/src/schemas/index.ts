import { Type, type TObject } from '@sinclair/typebox';
import type { MessageKind } from '@ioc/domain';
import { MESSAGE_KIND_NAMES } from '@ioc/domain';
import { PumpSchema, RainSchema, SluiceGateSchema, TideSchema, WaterLevelSchema } from './flood.schema';
import { BinFillSchema, TruckPickupSchema, TruckPositionSchema } from './waste.schema';
import { CameraDetectionSchema, CameraHealthSchema, CameraTrafficSchema } from './camera.schema';
import { DeviceId } from './common.schema';

export * from './common.schema';
export * from './flood.schema';
export * from './waste.schema';
export * from './camera.schema';

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

/**
 * The gateway envelope. Each entry names its device and kind and is then validated against that kind's schema;
 * entries are accepted or quarantined one by one.
 */
export const GatewayEnvelopeSchema = Type.Object(
  {
    messages: Type.Array(
      Type.Object(
        {
          deviceId: DeviceId,
          kind: Type.Union(MESSAGE_KIND_NAMES.map((k) => Type.Literal(k))),
        },
        { additionalProperties: true },
      ),
      { minItems: 1, maxItems: GATEWAY_MAX_MESSAGES },
    ),
  },
  {
    $id: 'gateway',
    title: 'Gateway batch',
    description: 'Many devices’ messages on one connection. Each entry is a message of its kind plus deviceId and kind.',
    additionalProperties: false,
  },
);
