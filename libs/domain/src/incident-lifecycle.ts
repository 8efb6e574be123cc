/**
 * The incident lifecycle as data: the record operators work on, the events that change it (the audit trail) and the
 * standard operating procedure attached to it. The decider in `@ioc/incidents` produces the events; `@ioc/storage`
 * persists them; the console renders them. Times are epoch milliseconds.
 */
import type { Evidence, IncidentState, IncidentType, Severity, ZoneRef } from './incident';

/** The actor of everything the engine and timers do (auto-resolve, auto-close, escalation). Users have their own ids. */
export const SYSTEM_ACTOR = 'system';

export interface BilingualText {
  readonly vi: string;
  readonly en: string;
}

/** Incident types grouped by the domain a console filter shows. */
export const INCIDENT_DOMAINS = {
  flood: ['urban-flooding', 'rising-water', 'king-tide-watch', 'pump-failure', 'sluice-gate-failure'],
  waste: ['bin-overflow', 'missed-collection', 'illegal-dumping-hotspot', 'bin-fire'],
  traffic: ['congestion', 'illegal-parking', 'crowd-over-capacity'],
  'cross-domain': ['flood-induced-congestion', 'waste-in-flooded-zone', 'zone-outage'],
  'device-health': [
    'device-offline',
    'device-battery-low',
    'camera-tampered',
    'sensor-stuck',
    'sensor-drift',
    'sensor-disagreement',
  ],
} as const satisfies Record<string, readonly IncidentType[]>;
export type IncidentDomain = keyof typeof INCIDENT_DOMAINS;
export const INCIDENT_DOMAIN_NAMES = Object.keys(INCIDENT_DOMAINS) as IncidentDomain[];

export function incidentDomainOf(type: IncidentType): IncidentDomain {
  for (const d of INCIDENT_DOMAIN_NAMES) if ((INCIDENT_DOMAINS[d] as readonly string[]).includes(type)) return d;
  throw new Error(`incident type ${type} belongs to no domain`);
}

/** Who owns an SOP step. */
export const SOP_OWNER_ROLES = [
  'operator',
  'supervisor',
  'field-team',
  'drainage-team',
  'waste-team',
  'traffic-police',
  'maintenance',
  'ward-staff',
] as const;
export type SopOwnerRole = (typeof SOP_OWNER_ROLES)[number];

export interface SopStep {
  readonly id: string;
  readonly text: BilingualText;
  readonly owner: SopOwnerRole;
  /** Due this many minutes after the incident opened. */
  readonly dueWithinMin: number;
}

/** What an incident keeps of its SOP: a snapshot of one version, so editing the SOP never changes a running incident. */
export interface AttachedSop {
  readonly id: string;
  readonly version: number;
  readonly title: BilingualText;
  /** Advice to the public (CAP `instruction`). */
  readonly instruction: BilingualText;
  readonly steps: readonly SopStep[];
}

export interface SopStepDone {
  readonly stepId: string;
  readonly at: number;
  readonly by: string;
  readonly note?: string;
}

/** The incident as the decider folds it from its events (and as the `incident` table stores it). */
export interface IncidentRecord {
  readonly id: string;
  /** Dedup key chosen by the engine's rule; at most one incident not closed per (key, exercise). */
  readonly key: string;
  readonly type: IncidentType;
  readonly ruleId: string;
  readonly zone: ZoneRef;
  /** Only rises (the maximum the evidence has shown). */
  readonly severity: Severity;
  readonly state: IncidentState;
  /** Trainers' exercises: kept apart from live incidents (own dedup space, CAP status Exercise). */
  readonly exercise: boolean;
  readonly title: BilingualText;
  readonly openedAt: number;
  readonly acknowledgedAt?: number;
  readonly acknowledgedBy?: string;
  readonly assignee?: string;
  readonly assignedAt?: number;
  readonly resolvedAt?: number;
  readonly resolvedBy?: string;
  readonly resolution?: string;
  readonly closedAt?: number;
  readonly closedBy?: string;
  readonly escalationLevel: number;
  readonly reopenCount: number;
  /** The most recent evidence (at most INCIDENT_EVIDENCE_KEPT); every piece is in the event log. */
  readonly evidence: readonly Evidence[];
  readonly evidenceCount: number;
  /** Keys of incidents this one absorbed (a flood absorbs the congestion it causes). */
  readonly absorbs: readonly string[];
  readonly sop?: AttachedSop;
  readonly sopDone: readonly SopStepDone[];
  /** Number of events in this incident's stream. */
  readonly version: number;
}

export const INCIDENT_EVIDENCE_KEPT = 50;
/** Evidence per event at most: a large batch becomes several `evidence-added` events (bounded rows and statements). */
export const INCIDENT_EVIDENCE_PER_EVENT = 50;

interface EventBase {
  readonly incidentId: string;
  /** Event time: the signal's time for engine signals, the injected clock for operator commands and timers. */
  readonly at: number;
  /** SYSTEM_ACTOR or a user id. */
  readonly actor: string;
}

export type IncidentEvent = EventBase &
  (
    | {
        readonly type: 'opened';
        readonly data: {
          readonly key: string;
          readonly incidentType: IncidentType;
          readonly ruleId: string;
          readonly zone: ZoneRef;
          readonly severity: Severity;
          readonly title: BilingualText;
          readonly exercise: boolean;
          readonly evidence: readonly Evidence[];
          readonly absorbs: readonly string[];
          readonly sop?: AttachedSop;
        };
      }
    | {
        readonly type: 'evidence-added';
        readonly data: { readonly evidence: readonly Evidence[]; readonly absorbs?: readonly string[] };
      }
    | { readonly type: 'severity-raised'; readonly data: { readonly from: Severity; readonly to: Severity } }
    | { readonly type: 'acknowledged'; readonly data: Record<string, never> }
    | { readonly type: 'assigned'; readonly data: { readonly assignee: string; readonly previous?: string } }
    | { readonly type: 'commented'; readonly data: { readonly text: string } }
    | { readonly type: 'resolved'; readonly data: { readonly reason: string; readonly auto: boolean } }
    | { readonly type: 'reopened'; readonly data: { readonly reason: string; readonly auto: boolean } }
    | { readonly type: 'closed'; readonly data: { readonly reason: 'operator' | 'auto-close' | 'superseded' } }
    | { readonly type: 'escalated'; readonly data: { readonly level: number } }
    | { readonly type: 'sop-step-completed'; readonly data: { readonly stepId: string; readonly note?: string } }
  );
export type IncidentEventType = IncidentEvent['type'];
export const INCIDENT_EVENT_TYPES = [
  'opened',
  'evidence-added',
  'severity-raised',
  'acknowledged',
  'assigned',
  'commented',
  'resolved',
  'reopened',
  'closed',
  'escalated',
  'sop-step-completed',
] as const satisfies readonly IncidentEventType[];

/** An event as committed: `seq` is global and increases in commit order; `version` is its place in its incident's stream. */
export type StoredIncidentEvent = IncidentEvent & { readonly seq: number; readonly version: number };
