import type { LandUseKind } from '@ioc/city';

/** Base fill rate by land use, % of a 240 L bin per hour, averaged over the day. */
const BASE_RATE: Record<LandUseKind, number> = {
  residential: 1.9,
  commercial: 2.3,
  market: 4.0,
  'wholesale-market': 3.4,
  'festival-bank': 1.0,
  lake: 1.0,
};

// Hourly weights (mean ≈ 1): households throw out after meals; markets from before dawn to noon.
const HOUSEHOLD = [
  0.3, 0.2, 0.2, 0.2, 0.4, 0.9, 1.6, 1.7, 1.2, 1.0, 1.0, 1.4, 1.5, 1.0, 0.8, 0.8, 1.1, 1.5, 1.8, 1.8, 1.5, 1.1, 0.7,
  0.5,
];
const MARKET = [
  0.2, 0.2, 0.4, 1.2, 2.4, 2.8, 2.8, 2.6, 2.4, 2.0, 1.6, 1.2, 0.8, 0.6, 0.6, 0.7, 0.8, 0.7, 0.4, 0.2, 0.2, 0.2, 0.2,
  0.2,
];

export interface FillContext {
  readonly localHour: number;
  readonly weekday: number;
  /** Scenario surge factor for this land use (Tết: several times normal). */
  readonly surge: number;
  /** 0…1: how full the festival sites are (festival banks fill with the crowd). */
  readonly festivalCrowd: number;
}

/** Fill rate of one bin, %/h. `binFactor` is the bin's own variation (busy corner vs quiet alley). */
export function fillRatePctH(landUse: LandUseKind, binFactor: number, ctx: FillContext): number {
  const market = landUse === 'market' || landUse === 'wholesale-market';
  const w = (market ? MARKET : HOUSEHOLD)[Math.floor(ctx.localHour) % 24];
  const weekend = ctx.weekday === 0 || ctx.weekday === 6 ? (market ? 1.1 : 1.12) : 1;
  const festival = landUse === 'festival-bank' ? 1 + 22 * ctx.festivalCrowd : 1;
  return BASE_RATE[landUse] * w * weekend * ctx.surge * festival * binFactor;
}

/** Fill after `hours` at `ratePctH`, never above 100 %. */
export function fillAfter(fillPct: number, ratePctH: number, hours: number): number {
  return Math.min(100, fillPct + ratePctH * hours);
}

/** Weight of a pick-up: ≈ 0.35 kg per % of a 240 L bin of mixed household waste. */
export const pickupWeightKg = (fillPct: number): number => Math.round(fillPct * 0.35 * 10) / 10;

export { BASE_RATE };
