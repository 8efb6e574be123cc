import { MESSAGE_KIND_NAMES } from '@ioc/domain';
import { MESSAGE_SCHEMAS } from './schemas';
import { createMessageValidators, describeErrors } from './validation';

const ts = '2026-11-21T10:00:00.000+07:00';
const examples: Record<string, Record<string, unknown>> = {
  'water-level': { msgId: 'm1', ts, levelCm: 12.5, batteryPct: 88 },
  rain: { msgId: 'm1', ts, rainMm: 3.2, intervalS: 300 },
  tide: { msgId: 'm1', ts, levelCm: 142 },
  pump: { msgId: 'm1', ts, status: 'running', flowM3h: 1200 },
  'sluice-gate': { msgId: 'm1', ts, status: 'closed', openingPct: 0 },
  'bin-fill': { msgId: 'm1', ts, fillPct: 91, temperatureC: 31, tiltDeg: 2 },
  'truck-position': { msgId: 'm1', ts, lat: 9.6, lon: 105.97, speedKmh: 22, routeId: 'R-P8-01', progressPct: 40 },
  'truck-pickup': { msgId: 'm1', ts, binId: 'bin-0001', routeId: 'R-P8-01', weightKg: 35 },
  'camera-traffic': {
    msgId: 'm1',
    ts,
    intervalS: 60,
    lanes: [{ lane: 1, vehicleCount: 42, avgSpeedKmh: 31 }],
    congestion: 'moderate',
  },
  'camera-detection': {
    msgId: 'm1',
    ts,
    eventType: 'illegal_dumping',
    confidence: 0.91,
    modelVersion: 'yolo-8.2',
    snapshotRef: 's3://snap/1.jpg',
  },
  'camera-health': { msgId: 'm1', ts, online: true, tampered: false, fps: 25 },
};

describe('message schemas', () => {
  const v = createMessageValidators();

  it('has one schema with an $id per message kind', () => {
    expect(Object.keys(MESSAGE_SCHEMAS).sort()).toEqual([...MESSAGE_KIND_NAMES].sort());
    for (const k of MESSAGE_KIND_NAMES) expect(MESSAGE_SCHEMAS[k].$id).toBe(k);
  });

  it.each(MESSAGE_KIND_NAMES)('accepts a valid %s message', (kind) => {
    expect(v.kinds[kind](examples[kind])).toBe(true);
  });

  it.each(MESSAGE_KIND_NAMES)('requires msgId and ts for %s', (kind) => {
    const { msgId: _m, ...noId } = examples[kind];
    expect(v.kinds[kind](noId)).toBe(false);
    const { ts: _t, ...noTs } = examples[kind];
    expect(v.kinds[kind](noTs)).toBe(false);
  });

  it('rejects out-of-range values, wrong types, unknown properties and bad timestamps with readable reasons', () => {
    expect(v.kinds['water-level']({ ...examples['water-level'], levelCm: 9999 })).toBe(false);
    expect(describeErrors(v.kinds['water-level'].errors)).toBe('/levelCm must be <= 500');
    expect(v.kinds['bin-fill']({ ...examples['bin-fill'], fillPct: '90' })).toBe(false);
    expect(v.kinds.pump({ ...examples.pump, colour: 'red' })).toBe(false);
    expect(describeErrors(v.kinds.pump.errors)).toContain('unknown property "colour"');
    expect(v.kinds.tide({ ...examples.tide, ts: '21/11/2026 10:00' })).toBe(false);
    expect(v.kinds['camera-detection']({ ...examples['camera-detection'], eventType: 'ufo' })).toBe(false);
    expect(v.kinds['camera-traffic']({ ...examples['camera-traffic'], lanes: [] })).toBe(false);
  });

  it('accepts vendor attributes as scalars only', () => {
    expect(v.kinds.rain({ ...examples.rain, attrs: { firmware: '1.2', rssi: -70 } })).toBe(true);
    expect(v.kinds.rain({ ...examples.rain, attrs: { nested: { a: 1 } } })).toBe(false);
  });
});
