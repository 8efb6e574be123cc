import type { IncidentType, Severity, ZoneKind } from '@ioc/domain';
import type { EngineEventKind } from './event';

/**
 * A rule, as validated from `seeds/rules/*.yaml` (durations resolved to ms). `detector` names the pattern template
 * (threshold, absence, trend…) and `params` its settings; everything else (grouping, hysteresis, inhibition,
 * absorption, flap damping, severity) is common to all rules and handled by the engine.
 */
export type NumOrRef = number | { readonly ref: ZoneRefName; readonly times?: number; readonly plus?: number };
/** Zone attributes a level can refer to. */
export const ZONE_REF_NAMES = [
  'catchment.warningLevelCm',
  'catchment.bankCm',
  'catchment.outfallInvertCm',
  'site.capacityDensity',
] as const;
export type ZoneRefName = (typeof ZONE_REF_NAMES)[number];

export interface SeverityBand {
  readonly atLeast?: NumOrRef;
  readonly atMost?: NumOrRef;
  readonly level: Severity;
}
export interface SeveritySpec {
  /** What the bands compare: the detector's value, the number of grouped members, or the forecast lead time (min). */
  readonly by: 'value' | 'members' | 'leadMinutes';
  readonly bands: readonly SeverityBand[];
  /** Raised one level when the incident is confirmed by another source (camera, field report). */
  readonly confirmedBoost?: boolean;
}

/** Where an incident is: the first of these zone kinds the member device has (`site:festival-bank` = a festival-bank site). */
export interface ZoneSelector {
  readonly prefer: ReadonlyArray<{ readonly kind: ZoneKind; readonly landUse?: readonly string[] }>;
}

export interface GroupSpec {
  readonly by: ZoneSelector;
  readonly minMembers: number;
  /** Share of the zone's devices of the member type that must be members (0 = no share condition). */
  readonly minShare: number;
  /** Hysteresis on the count: a raised incident clears when fewer than this many members remain (default 1). */
  readonly clearBelowMembers: number;
}

export interface InhibitSpec {
  readonly type: IncidentType;
  /** `device`: the same device is a member of an active incident of `type`; otherwise the device's zone of that kind has one. */
  readonly scope: 'device' | ZoneKind;
  /** Keep inhibiting this long after the inhibitor clears (devices behind a restored gateway need one report interval). */
  readonly holdAfterClearMs: number;
}

export interface AbsorbSpec {
  readonly type: IncidentType;
  /** `zone`: same zone id; `members`: incidents sharing a member device. */
  readonly scope: 'zone' | 'members';
}

export interface FlapSpec {
  /** More raises than this within `windowMs` mark the key as flapping … */
  readonly maxRaises: number;
  readonly windowMs: number;
  /** … and a flapping incident waits this long (instead of `clearAfterMs`) before it clears. */
  readonly clearAfterMs: number;
}

export interface PredicateCall {
  readonly fn: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly negate: boolean;
}

export interface RuleCommon {
  readonly id: string;
  readonly type: IncidentType;
  readonly title: { readonly vi: string; readonly en: string };
  readonly description?: string;
  readonly file: string;
  readonly enabled: boolean;
  /** The condition must hold this long before the incident is raised … */
  readonly raiseAfterMs: number;
  /** … and be false this long before it clears (hysteresis in time; levels have their own clear values). */
  readonly clearAfterMs: number;
  readonly severity: SeveritySpec;
  readonly inhibitedBy: readonly InhibitSpec[];
  readonly absorbs: readonly AbsorbSpec[];
  readonly flap: FlapSpec;
  /** Evidence items kept per signal (first ones and the latest). */
  readonly evidenceLimit: number;
}

export type Condition =
  | { readonly op: 'above'; readonly level: NumOrRef; readonly clear: NumOrRef }
  | { readonly op: 'below'; readonly level: NumOrRef; readonly clear: NumOrRef }
  | { readonly op: 'in'; readonly values: ReadonlyArray<string | number | boolean> };

export interface ThresholdParams {
  readonly kinds: readonly EngineEventKind[];
  /** Body field holding the value (dotted path), or a named extractor from the registry. */
  readonly field: string;
  readonly when: Condition;
  /** Only readings passing these named predicates (e.g. `eventType == crowd_density`) are considered. */
  readonly filter: readonly PredicateCall[];
  /** A device stays a member only while these hold (joins with other domains). */
  readonly where: readonly PredicateCall[];
  /** The device's condition must hold this long before it counts as a member. */
  readonly memberAfterMs: number;
  /** Without a reading this long, a member drops out (a camera stops reporting crowds when the crowd leaves). */
  readonly staleAfterMs: number;
  readonly group: GroupSpec;
}

export interface ZoneLevelParams {
  readonly kind: EngineEventKind;
  readonly field: string;
  readonly zone: ZoneKind;
  readonly aggregate: 'median' | 'max';
  readonly above: NumOrRef;
  readonly clearBelow: NumOrRef;
  readonly minReporting: number;
  readonly staleAfterMs: number;
  /** Sensors flagged by these data-quality incident types are left out of the aggregate. */
  readonly excludeFlagged: readonly IncidentType[];
  /** At least one of these must hold for the zone (rain, high river…). Empty: no requirement. */
  readonly requiresAny: readonly PredicateCall[];
  /** Evidence that confirms (camera standing water, field reports), within `confirmWithinMs`. */
  readonly confirm: {
    readonly detections: readonly string[];
    readonly reportCategories: readonly string[];
    readonly withinMs: number;
  };
}

export interface TrendParams {
  readonly kind: EngineEventKind;
  readonly field: string;
  readonly zone: ZoneKind;
  readonly target: NumOrRef;
  readonly windowMs: number;
  readonly minRatePerH: number;
  readonly minLevel: number;
  readonly horizonMs: number;
  readonly minReporting: number;
  readonly staleAfterMs: number;
  readonly excludeFlagged: readonly IncidentType[];
}

export interface SilenceParams {
  /** Per device type: silence longer than this makes a device overdue. */
  readonly silenceAfterMs: Readonly<Record<string, number>>;
  readonly group: GroupSpec;
}

export interface ZoneSilenceParams {
  readonly silenceAfterMs: Readonly<Record<string, number>>;
  readonly zone: ZoneKind;
  readonly minSilent: number;
  readonly raiseShare: number;
  readonly clearShare: number;
}

export interface FillAbsenceParams {
  readonly fillAbove: number;
  readonly resetBelow: number;
  readonly noPickupWithinMs: number;
  readonly group: GroupSpec;
}

export interface RouteDeadlineParams {
  readonly minShare: number;
  /** Shifts that started before the engine began watching are not judged (it cannot know what was collected). */
  readonly clearShare: number;
}

export interface CountParams {
  readonly eventTypes: readonly string[];
  readonly minConfidence: number;
  readonly window: { readonly type: 'sliding' | 'tumbling'; readonly sizeMs: number };
  readonly minCount: number;
  /** Session gap: the spot is quiet again after this long without a detection. */
  readonly quietAfterMs: number;
  /** Field reports of these categories within `reportRadiusM` of the camera count as detections. */
  readonly reportCategories: readonly string[];
  readonly reportRadiusM: number;
  readonly group: GroupSpec;
}

export interface StuckParams {
  readonly kind: EngineEventKind;
  readonly field: string;
  readonly minReadings: number;
  readonly minDurationMs: number;
  readonly zone: ZoneKind;
}

export interface NeighbourParams {
  readonly kind: EngineEventKind;
  readonly field: string;
  readonly zone: ZoneKind;
  readonly radiusM: number;
  readonly minNeighbours: number;
  readonly staleAfterMs: number;
  /** Neighbours must be steady (|median slope| ≤ this, cm/h) for the comparison to mean anything. */
  readonly steadyRatePerH: number;
}
export interface DriftParams extends NeighbourParams {
  readonly windowMs: number;
  readonly minRatePerH: number;
  readonly minOffset: number;
}
export interface DisagreementParams extends NeighbourParams {
  readonly minOffset: number;
  readonly relOffset: number;
}

export interface FloodedWasteParams {
  readonly floodType: IncidentType;
  readonly fillAbove: number;
  readonly minBins: number;
  readonly staleAfterMs: number;
}

export type Rule =
  | (RuleCommon & { readonly detector: 'threshold'; readonly params: ThresholdParams })
  | (RuleCommon & { readonly detector: 'zone-level'; readonly params: ZoneLevelParams })
  | (RuleCommon & { readonly detector: 'trend'; readonly params: TrendParams })
  | (RuleCommon & { readonly detector: 'device-silence'; readonly params: SilenceParams })
  | (RuleCommon & { readonly detector: 'zone-silence'; readonly params: ZoneSilenceParams })
  | (RuleCommon & { readonly detector: 'fill-absence'; readonly params: FillAbsenceParams })
  | (RuleCommon & { readonly detector: 'route-deadline'; readonly params: RouteDeadlineParams })
  | (RuleCommon & { readonly detector: 'count'; readonly params: CountParams })
  | (RuleCommon & { readonly detector: 'stuck'; readonly params: StuckParams })
  | (RuleCommon & { readonly detector: 'drift'; readonly params: DriftParams })
  | (RuleCommon & { readonly detector: 'disagreement'; readonly params: DisagreementParams })
  | (RuleCommon & { readonly detector: 'flooded-waste'; readonly params: FloodedWasteParams });

export type DetectorName = Rule['detector'];

export interface RuleSet {
  readonly rules: readonly Rule[];
}
