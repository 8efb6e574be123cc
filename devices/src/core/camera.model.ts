import type { Road } from '@ioc/city';

/** Traffic demand by local hour, as a share of the lane capacity (morning and evening peaks, quiet nights). */
export const DAILY_DEMAND = [
  0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.55, 0.85, 0.75, 0.55, 0.5, 0.55, 0.6, 0.5, 0.5, 0.55, 0.7, 0.88, 0.8, 0.6, 0.45,
  0.35, 0.22, 0.12,
];

const CAPACITY_VEH_H: Record<Road['roadClass'], number> = { national: 1300, arterial: 900, ring: 1000, collector: 600 };
const FREE_SPEED_KMH: Record<Road['roadClass'], number> = { national: 55, arterial: 40, ring: 45, collector: 30 };

export function demandShare(localHour: number): number {
  const h = Math.floor(localHour) % 24;
  const f = localHour - Math.floor(localHour);
  return DAILY_DEMAND[h] * (1 - f) + DAILY_DEMAND[(h + 1) % 24] * f;
}

/** Standing water cuts a road's capacity: motorbikes slow down, cars avoid the deepest stretches. */
export function floodCapacityFactor(depthCm: number): number {
  if (depthCm > 30) return 0.1;
  if (depthCm > 15) return 0.35;
  if (depthCm > 5) return 0.7;
  return 1;
}

export type Congestion = 'free' | 'moderate' | 'heavy' | 'jammed';

export interface TrafficState {
  readonly flowVehHPerLane: number;
  readonly speedKmh: number;
  readonly congestion: Congestion;
}

/** BPR-style speed from the volume/capacity ratio; flow is capped by the (possibly reduced) capacity. */
export function traffic(roadClass: Road['roadClass'], demandVehHPerLane: number, capacityFactor: number): TrafficState {
  const cap = CAPACITY_VEH_H[roadClass] * capacityFactor;
  const vc = demandVehHPerLane / cap;
  const ratio = 1 / (1 + 1.5 * vc ** 4);
  const speedKmh = FREE_SPEED_KMH[roadClass] * ratio;
  const congestion: Congestion = ratio > 0.7 ? 'free' : ratio > 0.5 ? 'moderate' : ratio > 0.25 ? 'heavy' : 'jammed';
  return { flowVehHPerLane: Math.min(demandVehHPerLane, cap), speedKmh, congestion };
}

export const laneCapacity = (roadClass: Road['roadClass']): number => CAPACITY_VEH_H[roadClass];
