import type { Catchment } from '@ioc/city';

/**
 * Water in one drainage catchment, as mm over its area. Inflow is rain × runoff plus river water over a low bank
 * (unless a closed sluice gate holds it); outflow is gravity drainage through the outfall, blocked as the Maspero
 * rises above the outfall invert, plus pumps. Streets pond once the drain network's storage is full.
 */
export interface CatchmentState {
  waterMm: number;
  depthCm: number;
  pumpsRunning: number;
}

export interface CatchmentInputs {
  readonly rainMmH: number;
  readonly tideCm: number;
  /** Sum of capacities of running pumps, mm/h over the catchment. */
  readonly pumpMmH: number;
  /** A healthy sluice gate closes against the river: no backflow, no gravity drainage while closed. */
  readonly gate: 'none' | 'open' | 'closed' | 'failed-open';
}

/** Soil infiltration and evaporation, mm/h: water always drains away slowly. */
const LOSS_MMH = 1.5;
/** Bank overtopping inflow per cm of river above the bank, mm/h. */
const OVERTOP_MMH_PER_CM = 1.6;

/** Share of gravity drainage left with the river at `tideCm` (1 free, 0 blocked). */
export function outfallFactor(c: Catchment, tideCm: number): number {
  return Math.min(1, Math.max(0, (c.outfall.invertCm + 15 - tideCm) / 30));
}

export function stepCatchment(c: Catchment, s: CatchmentState, inp: CatchmentInputs, dtS: number): CatchmentState {
  const gravity = inp.gate === 'closed' ? 0 : c.drainageMmH * outfallFactor(c, inp.tideCm);
  const overtop = inp.gate === 'closed' ? 0 : Math.max(0, inp.tideCm - c.bankCm) * OVERTOP_MMH_PER_CM;
  const inflow = inp.rainMmH * c.runoffCoeff + overtop;
  const outflow = gravity + inp.pumpMmH + LOSS_MMH;
  const waterMm = Math.max(0, s.waterMm + ((inflow - outflow) * dtS) / 3600);
  const depthCm = Math.max(0, waterMm - c.storageMm) / c.pondingShare / 10;
  return { waterMm, depthCm, pumpsRunning: s.pumpsRunning };
}

/** Automatic pump control with hysteresis: start when the network is 60 % full or streets pond, stop below 15 %. */
export function pumpShouldRun(c: Catchment, s: CatchmentState, running: boolean): boolean {
  if (s.waterMm > c.storageMm * 0.6 || s.depthCm > 0) return true;
  if (running && s.waterMm > c.storageMm * 0.15) return true;
  return false;
}

/** A sluice gate closes when the river stands above the outfall invert (it would flow back), opens when it falls. */
export function gateShouldClose(c: Catchment, tideCm: number, closed: boolean): boolean {
  return closed ? tideCm > c.outfall.invertCm - 5 : tideCm > c.outfall.invertCm + 5;
}
