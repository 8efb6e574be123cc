import { Type } from '@sinclair/typebox';
import { BatteryPct, DeviceId, Latitude, Longitude, messageSchema, Percent } from './common.schema';

export const BinFillSchema = messageSchema('bin-fill', 'Bin fill level', 'Waste bin fill-level sensor.', {
  fillPct: Percent,
  temperatureC: Type.Optional(
    Type.Number({ minimum: -40, maximum: 400, description: 'Temperature inside the bin, °C.' }),
  ),
  tiltDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 180, description: 'Tilt from upright, degrees.' })),
  batteryPct: BatteryPct,
});

export const TruckPositionSchema = messageSchema(
  'truck-position',
  'Collection truck position',
  'GPS fix and route progress of a collection truck.',
  {
    lat: Latitude,
    lon: Longitude,
    speedKmh: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
    headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
    routeId: Type.Optional(Type.String({ maxLength: 64 })),
    progressPct: Type.Optional(Percent),
  },
);

export const TruckPickupSchema = messageSchema('truck-pickup', 'Bin pick-up', 'A collection truck emptied a bin.', {
  binId: DeviceId,
  routeId: Type.Optional(Type.String({ maxLength: 64 })),
  lat: Type.Optional(Latitude),
  lon: Type.Optional(Longitude),
  weightKg: Type.Optional(Type.Number({ minimum: 0, maximum: 5000 })),
});
