/**
 * Maspero river level above datum (cm): a mixed, mainly semi-diurnal tide. M2 and S2 beat into the spring/neap
 * cycle (14.77 days, springs just after new and full moon); K1 and O1 give the diurnal inequality; a seasonal term
 * peaks in late October (end of the rainy season, high Mekong discharge), which with springs gives the king tides
 * (triều cường). A scenario can add a boost (wind set-up, upstream flood).
 */
const HOUR_MS = 3_600_000;
const NEW_MOON_MS = Date.UTC(2000, 0, 6, 18, 14); // a reference new moon
const AGE_OF_TIDE_MS = 36 * HOUR_MS; // springs lag the syzygy by about a day and a half
const CONSTITUENTS = [
  { periodH: 12.4206012, ampCm: 72 }, // M2
  { periodH: 12.0, ampCm: 26 }, // S2
  { periodH: 23.9344696, ampCm: 24 }, // K1
  { periodH: 25.8193417, ampCm: 16 }, // O1
];
const MEAN_CM = 18;
const SEASONAL_CM = 22;

export interface TideSettings {
  readonly seasonalBoostCm?: number;
  readonly kingTideBoostCm?: number;
}

/** River level at the city centre gauge, cm above datum, at `epochMs`. */
export function tideLevelCm(epochMs: number, settings: TideSettings = {}): number {
  const dt = epochMs - NEW_MOON_MS - AGE_OF_TIDE_MS;
  let level = MEAN_CM;
  for (const c of CONSTITUENTS) level += c.ampCm * Math.cos((2 * Math.PI * dt) / (c.periodH * HOUR_MS));
  const dayOfYear = (epochMs - Date.UTC(new Date(epochMs).getUTCFullYear(), 0, 1)) / 86_400_000;
  level += SEASONAL_CM * Math.cos((2 * Math.PI * (dayOfYear - 295)) / 365.25);
  return level + (settings.seasonalBoostCm ?? 0) + (settings.kingTideBoostCm ?? 0);
}
