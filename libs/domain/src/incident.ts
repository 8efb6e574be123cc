/**
 * Incidents: the vocabulary shared by the correlation engine (which raises and clears them), the lifecycle (which
 * operators drive) and the console. Pure types and constants; times are epoch milliseconds (event time).
 */

/** Every incident type PRODUCT.md names, one rule (or more) each in `seeds/rules/`. */
export const INCIDENT_TYPES = [
  // flood
  'urban-flooding',
  'rising-water',
  'king-tide-watch',
  'pump-failure',
  'sluice-gate-failure',
  // waste
  'bin-overflow',
  'missed-collection',
  'illegal-dumping-hotspot',
  'bin-fire',
  // traffic and public order
  'congestion',
  'illegal-parking',
  'crowd-over-capacity',
  // cross-domain
  'flood-induced-congestion',
  'waste-in-flooded-zone',
  'zone-outage',
  // device health and data quality
  'device-offline',
  'device-battery-low',
  'camera-tampered',
  'sensor-stuck',
  'sensor-drift',
  'sensor-disagreement',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export function isIncidentType(value: string): value is IncidentType {
  return (INCIDENT_TYPES as readonly string[]).includes(value);
}

/** Ordered from least to most severe; CAP 1.2 `severity` is derived from it. */
export const SEVERITIES = ['minor', 'moderate', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

/** Operator lifecycle (ThingsBoard's active/cleared × acked/unacked, made explicit). */
export const INCIDENT_STATES = ['open', 'acknowledged', 'assigned', 'resolved', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Where an incident is: the spatial key of its rule. Ids are those of `seeds/city/*.geojson` and `seeds/routes.json`. */
export const ZONE_KINDS = ['ward', 'catchment', 'site', 'river', 'route', 'device'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];
export interface ZoneRef {
  readonly kind: ZoneKind;
  /** e.g. `ward-p3`, `catch-trung-tam-bac`, `site-festival-bank-north`, `river-maspero`, `R-P5-01`. */
  readonly id: string;
}

/** One piece of evidence behind an incident: a reading, a camera event, a field report or another incident. */
export interface Evidence {
  /** Event time, ms. */
  readonly at: number;
  readonly source: 'sensor' | 'camera' | 'report' | 'incident' | 'engine';
  readonly deviceId?: string;
  readonly msgId?: string;
  /** Message kind (`water-level`, `camera-detection`, …) or `field-report` / incident type. */
  readonly kind: string;
  /** Short, human-readable and stable (tests compare it): "wl-p2-001 level 34 cm ≥ 20 cm". */
  readonly summary: string;
  readonly value?: number;
  readonly unit?: string;
  /** Camera snapshot or field-report photo reference. */
  readonly ref?: string;
}

/**
 * What the correlation engine decides. `key` identifies one incident instance (dedup key): the same key is never
 * raised twice while it is active. The lifecycle turns signals into incidents; the engine never sees operator actions
 * except as silences.
 */
export type IncidentSignal =
  | {
      readonly op: 'raise';
      readonly key: string;
      readonly type: IncidentType;
      readonly ruleId: string;
      readonly zone: ZoneRef;
      readonly severity: Severity;
      readonly at: number;
      readonly evidence: readonly Evidence[];
      /** Vietnamese and English one-liners. */
      readonly title: { readonly vi: string; readonly en: string };
      /** Set when this incident absorbs others (flood-induced congestion absorbs the congestion it causes). */
      readonly absorbs?: readonly string[];
    }
  | {
      readonly op: 'update';
      readonly key: string;
      readonly at: number;
      readonly severity?: Severity;
      readonly evidence: readonly Evidence[];
      readonly absorbs?: readonly string[];
    }
  | {
      /** The condition has been false for the rule's clear hysteresis. */
      readonly op: 'clear';
      readonly key: string;
      readonly at: number;
      readonly reason: string;
    };
