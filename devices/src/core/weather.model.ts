import { distanceM, pointBetween, type LonLat } from '@ioc/city';
import { normal, uniform, type Rng } from './rng';
import type { RainCellSpec, ScenarioFile } from './scenario';
import { parseTime } from './time';

/** A rain cell moving in a straight line between path points; intensity rises and falls over its life. */
export interface RainCell {
  readonly id: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly peakMmH: number;
  readonly radiusM: number;
  readonly path: readonly LonLat[];
}

export function cellsFromScenario(
  file: ScenarioFile,
  startMs: number,
  durationS: number,
  centre: LonLat,
  rng: Rng,
): RainCell[] {
  const cells: RainCell[] = (file.weather?.rainCells ?? []).map((c: RainCellSpec) => ({
    id: c.id,
    fromMs: parseTime(c.from),
    toMs: parseTime(c.to),
    peakMmH: c.peakMmH,
    radiusM: c.radiusKm * 1000,
    path: c.path,
  }));
  // Background showers: random short convective cells crossing the city from the south-west (monsoon direction).
  const showers = file.weather?.showers;
  if (showers && showers.perDay > 0) {
    const n = Math.max(0, Math.round((showers.perDay * durationS) / 86400));
    for (let i = 0; i < n; i++) {
      const from = startMs + Math.floor(uniform(rng, 0, durationS - 1800) * 1000);
      const life = uniform(rng, 1800, 5400) * 1000;
      const a: LonLat = [centre[0] - 0.05 + normal(rng, 0, 0.01), centre[1] - 0.04 + normal(rng, 0, 0.02)];
      const b: LonLat = [centre[0] + 0.05 + normal(rng, 0, 0.01), centre[1] + 0.04 + normal(rng, 0, 0.02)];
      cells.push({
        id: `shower-${i + 1}`,
        fromMs: from,
        toMs: from + life,
        peakMmH: showers.peakMmH * uniform(rng, 0.5, 1),
        radiusM: (showers.radiusKm ?? 2) * 1000,
        path: [a, b],
      });
    }
  }
  return cells;
}

function cellCentre(c: RainCell, f: number): LonLat {
  if (c.path.length === 1) return c.path[0];
  const x = f * (c.path.length - 1);
  const i = Math.min(c.path.length - 2, Math.floor(x));
  return pointBetween(c.path[i], c.path[i + 1], x - i);
}

/** Rain intensity (mm/h) at a point: every active cell, a Gaussian in space, a sine envelope in time. */
export function rainRateMmH(cells: readonly RainCell[], at: LonLat, epochMs: number): number {
  let r = 0;
  for (const c of cells) {
    if (epochMs < c.fromMs || epochMs >= c.toMs) continue;
    const f = (epochMs - c.fromMs) / (c.toMs - c.fromMs);
    const d = distanceM(at, cellCentre(c, f));
    r += c.peakMmH * Math.sin(Math.PI * f) * Math.exp(-((d / c.radiusM) ** 2));
  }
  return r;
}
