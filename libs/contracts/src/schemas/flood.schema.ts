import { Type } from '@sinclair/typebox';
import { BatteryPct, messageSchema, Percent } from './common.schema';

export const WaterLevelSchema = messageSchema(
  'water-level',
  'Street water level',
  'Ultrasonic street sensor: water depth above the road surface, in cm (0 when dry).',
  {
    levelCm: Type.Number({ minimum: -50, maximum: 500, description: 'Water above the road surface, cm.' }),
    batteryPct: BatteryPct,
  },
);

export const RainSchema = messageSchema('rain', 'Rain gauge', 'Rainfall accumulated over the reporting interval.', {
  rainMm: Type.Number({ minimum: 0, maximum: 500, description: 'Rain in the interval, mm.' }),
  intervalS: Type.Integer({ minimum: 1, maximum: 86400, description: 'Length of the interval ending at ts, s.' }),
  batteryPct: BatteryPct,
});

export const TideSchema = messageSchema(
  'tide',
  'Tide gauge',
  'River level on the tidal Maspero, relative to the national datum (Hòn Dấu).',
  {
    levelCm: Type.Number({ minimum: -500, maximum: 1000, description: 'River level above datum, cm.' }),
    batteryPct: BatteryPct,
  },
);

export const PumpSchema = messageSchema('pump', 'Drainage pump', 'Drainage pumping station status.', {
  status: Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('fault')]),
  flowM3h: Type.Optional(Type.Number({ minimum: 0, maximum: 100000, description: 'Flow, m³/h.' })),
  faultCode: Type.Optional(Type.String({ maxLength: 64 })),
});

export const SluiceGateSchema = messageSchema(
  'sluice-gate',
  'Tidal sluice gate',
  'Tidal sluice gate (cống ngăn triều) status.',
  {
    status: Type.Union([
      Type.Literal('open'),
      Type.Literal('closed'),
      Type.Literal('opening'),
      Type.Literal('closing'),
      Type.Literal('fault'),
    ]),
    openingPct: Type.Optional(Percent),
    faultCode: Type.Optional(Type.String({ maxLength: 64 })),
  },
);
