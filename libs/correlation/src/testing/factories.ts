import type { DeviceType, IncidentSignal } from '@ioc/domain';
import { CorrelationEngine } from '../engine';
import type { EngineEvent } from '../event';
import type { RuleSet } from '../rule.types';
import { buildTopology, type DeviceSite, type LonLat, type Topology } from '@ioc/city';

/**
 * Small factories for rule tests: a two-ward toy city (one catchment per ward, a festival site, one route) and
 * message builders. Times are minutes after T0.
 */
export const T0 = Date.parse('2026-06-10T00:00:00+07:00');
export const at = (min: number): number => T0 + min * 60_000;

const square = (lon: number, lat: number, d: number): LonLat[] => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];

let seq = 0;
const dev = (
  id: string,
  type: DeviceType,
  ward: string,
  lat: number,
  lon: number,
  extra: Partial<DeviceSite> = {},
): DeviceSite => ({
  id,
  type,
  ward,
  catchment: ward === 'ward-a' ? 'catch-a' : 'catch-b',
  lat,
  lon,
  ...extra,
});

/** ward-a / catch-a (warning 20 cm, bank 160, outfall invert 95) and ward-b / catch-b; site-fest (3 persons/m²). */
export function toyTopology(): Topology {
  const devices: DeviceSite[] = [];
  for (let i = 1; i <= 4; i++)
    devices.push(dev(`wl-a-${i}`, 'water-level-sensor', 'ward-a', 10.001 + i * 0.001, 106.001));
  for (let i = 1; i <= 4; i++)
    devices.push(dev(`wl-b-${i}`, 'water-level-sensor', 'ward-b', 10.001 + i * 0.001, 106.021));
  devices.push(
    dev('rg-a', 'rain-gauge', 'ward-a', 10.002, 106.002),
    dev('rg-b', 'rain-gauge', 'ward-b', 10.002, 106.022),
  );
  for (let i = 1; i <= 3; i++) devices.push(dev(`tg-${i}`, 'tide-gauge', 'ward-b', 10.01, 106.03 + i * 0.001));
  devices.push(
    dev('pump-a', 'pump', 'ward-a', 10.003, 106.003),
    dev('gate-a', 'sluice-gate', 'ward-a', 10.003, 106.004),
  );
  for (let i = 1; i <= 4; i++)
    devices.push(dev(`cam-a-${i}`, 'camera', 'ward-a', 10.004, 106.001 + i * 0.002, { roadId: 'road-1' }));
  for (let i = 1; i <= 2; i++)
    devices.push(
      dev(`cam-f-${i}`, 'camera', 'ward-b', 10.012, 106.012 + i * 0.001, {
        siteId: 'site-fest',
        landUse: 'festival-bank',
      }),
    );
  for (let i = 1; i <= 6; i++)
    devices.push(dev(`bin-a-${i}`, 'bin', 'ward-a', 10.005, 106.001 + i * 0.001, { routeId: 'R-A' }));
  devices.push(dev('truck-a', 'truck', 'ward-a', 10.006, 106.006, { routeId: 'R-A' }));
  return buildTopology({
    wards: [
      { id: 'ward-a', name: 'Phường A', ring: square(106, 10, 0.01) },
      { id: 'ward-b', name: 'Phường B', ring: square(106.01, 10, 0.03) },
    ],
    catchments: [
      {
        id: 'catch-a',
        name: 'Lưu vực A',
        warningLevelCm: 20,
        bankCm: 160,
        outfall: { invertCm: 95 },
        ring: square(106, 10, 0.01),
      },
      {
        id: 'catch-b',
        name: 'Lưu vực B',
        warningLevelCm: 20,
        bankCm: 170,
        outfall: { invertCm: 100 },
        ring: square(106.01, 10, 0.03),
      },
    ],
    landUse: [
      {
        id: 'site-fest',
        name: 'Bờ sông',
        kind: 'festival-bank',
        capacityPersons: 300,
        areaM2: 100,
        ring: square(106.011, 10.011, 0.003),
      },
    ],
    devices,
    routes: [
      {
        id: 'R-A',
        truckId: 'truck-a',
        ward: 'ward-a',
        binIds: ['bin-a-1', 'bin-a-2', 'bin-a-3', 'bin-a-4', 'bin-a-5'],
        shifts: [{ start: '05:00', deadline: '09:00' }],
      },
    ],
  });
}

const msg = (deviceId: string, kind: EngineEvent['kind'], min: number, body: Record<string, unknown>): EngineEvent => ({
  deviceId,
  msgId: `m${++seq}`,
  kind,
  ts: at(min),
  body,
});

export const waterLevel = (id: string, min: number, levelCm: number, batteryPct = 80) =>
  msg(id, 'water-level', min, { levelCm, batteryPct });
export const rain = (id: string, min: number, rainMm: number) => msg(id, 'rain', min, { rainMm, intervalS: 300 });
export const tide = (id: string, min: number, levelCm: number) => msg(id, 'tide', min, { levelCm });
export const pump = (id: string, min: number, status: string) => msg(id, 'pump', min, { status });
export const gate = (id: string, min: number, status: string) => msg(id, 'sluice-gate', min, { status });
export const binFill = (id: string, min: number, fillPct: number, temperatureC = 28, batteryPct = 80) =>
  msg(id, 'bin-fill', min, { fillPct, temperatureC, batteryPct });
export const pickup = (truck: string, min: number, binId: string) =>
  msg(truck, 'truck-pickup', min, { binId, routeId: 'R-A' });
export const traffic = (cam: string, min: number, congestion: string) =>
  msg(cam, 'camera-traffic', min, {
    intervalS: 60,
    lanes: [{ lane: 1, vehicleCount: 10, avgSpeedKmh: 20 }],
    congestion,
  });
export const detection = (cam: string, min: number, eventType: string, extra: Record<string, unknown> = {}) =>
  msg(cam, 'camera-detection', min, { eventType, confidence: 0.9, modelVersion: 'test', ...extra });
export const health = (cam: string, min: number, tampered: boolean) =>
  msg(cam, 'camera-health', min, { online: true, tampered, fps: tampered ? 0 : 25 });
export const fieldReport = (min: number, category: string, lat: number, lon: number, text = 'report') => {
  const reportId = `r${++seq}`;
  return {
    deviceId: 'report-app',
    msgId: reportId,
    kind: 'field-report' as const,
    ts: at(min),
    body: { reportId, category, lat, lon, text, photoRef: `photo/${reportId}.jpg` },
  };
};

/** `f(minute)` for every `step` minutes in [from, to). */
export function every<T>(from: number, to: number, step: number, f: (min: number) => T | T[]): T[] {
  const out: T[] = [];
  for (let m = from; m < to; m += step) out.push(...([] as T[]).concat(f(m)));
  return out;
}

/** Keeps every device of the toy city reporting (so only what a test leaves out goes silent). */
export function heartbeats(from: number, to: number, except: readonly string[] = []): EngineEvent[] {
  const skip = new Set(except);
  const out: EngineEvent[] = [];
  for (const d of toyTopology().devices.values()) {
    if (skip.has(d.id)) continue;
    const step = d.type === 'bin' ? 15 : d.type === 'rain-gauge' || d.type === 'tide-gauge' ? 5 : 1;
    for (let m = from; m < to; m += step) {
      if (d.type === 'water-level-sensor') out.push(waterLevel(d.id, m, ((m * 7 + d.id.length) % 5) / 10));
      else if (d.type === 'rain-gauge') out.push(rain(d.id, m, 0));
      else if (d.type === 'tide-gauge') out.push(tide(d.id, m, 80 + (m % 7) / 10));
      else if (d.type === 'pump') out.push(pump(d.id, m, 'stopped'));
      else if (d.type === 'sluice-gate') out.push(gate(d.id, m, 'open'));
      else if (d.type === 'bin') out.push(binFill(d.id, m, 30));
      else if (d.type === 'camera') out.push(traffic(d.id, m, 'free'));
      else if (d.type === 'truck') out.push(msg(d.id, 'truck-position', m, { lat: d.lat, lon: d.lon }));
    }
  }
  return out;
}

/** Runs events through a fresh engine that starts at T0, up to minute `untilMin`, and returns its signals. */
export function runEngine(
  rules: RuleSet,
  events: readonly EngineEvent[],
  untilMin: number,
  topology = toyTopology(),
): { signals: IncidentSignal[]; engine: CorrelationEngine } {
  const engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: 0, startAt: T0 });
  engine.push(events);
  const signals = engine.advanceTo(at(untilMin));
  return { signals, engine };
}

export const raises = (signals: readonly IncidentSignal[]) =>
  signals.filter((s): s is Extract<IncidentSignal, { op: 'raise' }> => s.op === 'raise');
