import type { IncidentType, ZoneKind } from '@ioc/domain';
import type { NumOrRef } from './rule.types';
import type { DeviceNode } from '@ioc/city';

/** What a predicate may look at: the reading, the device and the engine's shared world state (joins across domains). */
export interface PredicateContext {
  readonly now: number;
  /** Rain measured by the zone's gauges since `sinceMs`, mm (max over the zone's gauges). */
  rainSince(zoneId: string, sinceMs: number): number;
  /** Median of the latest river levels (tide gauges) not older than `staleMs`, or NaN. */
  riverLevel(staleMs: number): number;
  /** Last time this camera reported standing water, or -Infinity. */
  lastDetection(deviceId: string, eventType: string): number;
  /** Median of the latest `water-level` readings of the catchment (not older than `staleMs`), or NaN. */
  zoneWaterLevel(catchmentId: string, staleMs: number): number;
  /** Is an incident of `type` raised (or held) on this zone? */
  zoneActive(type: IncidentType, zoneId: string): boolean;
  resolve(level: NumOrRef, zoneIds: Readonly<Partial<Record<ZoneKind, string>>>): number;
}

export type Predicate = (
  ctx: PredicateContext,
  body: Readonly<Record<string, unknown>>,
  device: DeviceNode | undefined,
  zoneId: string | undefined,
  args: Readonly<Record<string, unknown>>,
) => boolean;

const ms = (v: unknown, fallback: number): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(v);
    if (m) return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's'];
  }
  return fallback;
};
const catchmentOf = (device: DeviceNode | undefined, zoneId: string | undefined) => device?.catchment ?? zoneId;

/**
 * Typed predicates a rule file can name (`where: [{ fn: rainInZone, args: { minMm: 2, within: 1h } }]`). Each is a
 * small pure function; a rule referencing an unknown name is refused when the file is loaded.
 */
export const PREDICATES: Readonly<Record<string, Predicate>> = {
  /** At least one of `of: [{ fn, args }]` holds (rule files express OR with it). */
  anyOf: (ctx, body, d, z, a) =>
    (a.of as Array<{ fn: string; args?: Record<string, unknown>; negate?: boolean }>).some((c) => {
      const p = PREDICATES[c.fn];
      if (!p) throw new Error(`anyOf: unknown predicate "${c.fn}"`);
      return p(ctx, body, d, z, c.args ?? {}) !== (c.negate ?? false);
    }),
  /** body[field] equals value (`fieldEquals: { field: eventType, value: crowd_density }`). */
  fieldEquals: (_ctx, body, _d, _z, a) => body[a.field as string] === a.value,
  /** body[field] is one of values. */
  fieldIn: (_ctx, body, _d, _z, a) => (a.values as unknown[]).includes(body[a.field as string]),
  /** Detection confidence at least `value`. */
  minConfidence: (_ctx, body, _d, _z, a) =>
    typeof body.confidence === 'number' && body.confidence >= (a.value as number),
  /** The catchment's gauges measured at least `minMm` of rain within `within`. */
  rainInZone: (ctx, _b, d, z, a) => {
    const c = catchmentOf(d, z);
    return !!c && ctx.rainSince(c, ctx.now - ms(a.within, 3_600_000)) >= ((a.minMm as number) ?? 1);
  },
  /** The Maspero stands at or above a level (a number or a catchment attribute, e.g. its outfall invert: gravity drainage blocked). */
  riverAbove: (ctx, _b, d, z, a) => {
    const river = ctx.riverLevel(ms(a.staleAfter, 1_800_000));
    if (Number.isNaN(river)) return false;
    const c = catchmentOf(d, z);
    return river >= ctx.resolve(a.level as NumOrRef, { catchment: c });
  },
  /** Water on the camera's street: its catchment floods, the camera saw standing water recently, or the catchment's sensors read at least `minLevelCm`. */
  wetStreet: (ctx, _b, d, z, a) => {
    const c = catchmentOf(d, z);
    if (!c) return false;
    if (ctx.zoneActive((a.floodType as IncidentType) ?? 'urban-flooding', c)) return true;
    if (d && ctx.now - ctx.lastDetection(d.id, 'standing_water') <= ms(a.within, 1_800_000)) return true;
    const level = ctx.zoneWaterLevel(c, ms(a.staleAfter, 900_000));
    return !Number.isNaN(level) && level >= ((a.minLevelCm as number) ?? 5);
  },
};
