import { deviceTopic } from '@ioc/contracts';
import { MESSAGE_KIND_NAMES, type MessageKind } from '@ioc/domain';

/** Small factories for valid contract messages; deterministic in (kind, deviceId, seq). */
export function messageBody(kind: MessageKind, seq: number, ts: Date): Record<string, unknown> {
  // Literal objects (no spread of a shared base): the ingest bench's publisher builds hundreds of thousands a second.
  const msgId = `m-${seq}`;
  const iso = ts.toISOString();
  const x = (seq * 7919) % 100;
  switch (kind) {
    case 'water-level':
      return { msgId, ts: iso, levelCm: x / 2, batteryPct: 90 };
    case 'rain':
      return { msgId, ts: iso, rainMm: x / 10, intervalS: 300 };
    case 'tide':
      return { msgId, ts: iso, levelCm: 100 + x };
    case 'pump':
      return { msgId, ts: iso, status: x % 3 === 0 ? 'stopped' : 'running', flowM3h: 1000 + x };
    case 'sluice-gate':
      return { msgId, ts: iso, status: x % 2 ? 'open' : 'closed', openingPct: x % 2 ? 100 : 0 };
    case 'bin-fill':
      return { msgId, ts: iso, fillPct: x, temperatureC: 30, tiltDeg: 1 };
    case 'truck-position':
      return {
        msgId,
        ts: iso,
        lat: 9.6 + x / 10000,
        lon: 105.97 + x / 10000,
        speedKmh: 20,
        routeId: 'R-1',
        progressPct: x,
      };
    case 'truck-pickup':
      return { msgId, ts: iso, binId: `bin-${x}`, routeId: 'R-1', weightKg: 20 + x };
    case 'camera-traffic':
      return {
        msgId,
        ts: iso,
        intervalS: 60,
        lanes: [
          { lane: 1, vehicleCount: x, avgSpeedKmh: 30 },
          { lane: 2, vehicleCount: 10, avgSpeedKmh: 40 },
        ],
        congestion: 'free',
      };
    case 'camera-detection':
      return {
        msgId,
        ts: iso,
        eventType: 'illegal_parking',
        confidence: 0.5 + x / 200,
        modelVersion: 'v1',
        snapshotRef: `snap-${seq}`,
      };
    case 'camera-health':
      return { msgId, ts: iso, online: true, tampered: false, fps: 25 };
  }
}

export interface FleetDevice {
  readonly deviceId: string;
  readonly kind: MessageKind;
  readonly topic: string;
}

/** `count` devices spread over every message kind (kinds from one device type share no ids). */
export function fleet(count: number, prefix = 'dev'): FleetDevice[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = MESSAGE_KIND_NAMES[i % MESSAGE_KIND_NAMES.length];
    const deviceId = `${prefix}-${kind}-${i}`;
    return { deviceId, kind, topic: deviceTopic(kind, deviceId) };
  });
}
