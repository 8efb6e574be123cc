import { Type } from '@sinclair/typebox';
import { messageSchema } from './common.schema';

export const CAMERA_DETECTION_TYPES = [
  'illegal_parking',
  'sidewalk_encroachment',
  'crowd_density',
  'littering',
  'illegal_dumping',
  'standing_water',
] as const;

export const CONGESTION_LEVELS = ['free', 'moderate', 'heavy', 'jammed'] as const;

export const CameraTrafficSchema = messageSchema(
  'camera-traffic',
  'Traffic counts',
  'Per-lane vehicle counts and speeds over an interval, from edge analytics.',
  {
    intervalS: Type.Integer({ minimum: 1, maximum: 3600 }),
    lanes: Type.Array(
      Type.Object(
        {
          lane: Type.Integer({ minimum: 1, maximum: 16 }),
          vehicleCount: Type.Integer({ minimum: 0, maximum: 100000 }),
          avgSpeedKmh: Type.Number({ minimum: 0, maximum: 250 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 16 },
    ),
    congestion: Type.Union(CONGESTION_LEVELS.map((c) => Type.Literal(c))),
  },
);

export const CameraDetectionSchema = messageSchema(
  'camera-detection',
  'Analytics detection',
  'An event detected by the camera analytics model.',
  {
    eventType: Type.Union(CAMERA_DETECTION_TYPES.map((t) => Type.Literal(t))),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    modelVersion: Type.String({ minLength: 1, maxLength: 64 }),
    snapshotRef: Type.Optional(
      Type.String({ maxLength: 512, description: 'Reference (URI or key) of the evidence snapshot.' }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000, description: 'Objects or people counted.' })),
    densityPerM2: Type.Optional(Type.Number({ minimum: 0, maximum: 20, description: 'Crowd density, people per m².' })),
  },
);

export const CameraHealthSchema = messageSchema('camera-health', 'Camera health', 'Camera and analytics box health.', {
  online: Type.Boolean(),
  tampered: Type.Boolean(),
  fps: Type.Number({ minimum: 0, maximum: 240 }),
});
