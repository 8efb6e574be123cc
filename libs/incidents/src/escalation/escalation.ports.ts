import type { IncidentNotification } from '@ioc/domain';
import type { EscalationIncident, EscalationStep } from './escalation-policy';

/** Reads the incident's current state (wired to the incident lifecycle's repository). */
export interface EscalationIncidentPort {
  get(incidentId: string): Promise<EscalationIncident | undefined>;
}
export const ESCALATION_INCIDENT_PORT = Symbol('ESCALATION_INCIDENT_PORT');

/** The exactly-once record of notifications (IncidentNotificationRepository implements it). */
export interface NotificationLedger {
  /** Inserts (incident, level) or returns the row an earlier claim wrote (created: false). Durable once it returns. */
  claim(
    n: Omit<IncidentNotification, 'id' | 'deliveredAt'>,
  ): Promise<{ notification: IncidentNotification; created: boolean }>;
  get(incidentId: string, level: number): Promise<IncidentNotification | undefined>;
  markDelivered(id: string, at: number): Promise<boolean>;
  /** Highest level claimed, 0 when none. */
  lastLevel(incidentId: string): Promise<number>;
}
export const NOTIFICATION_LEDGER = Symbol('NOTIFICATION_LEDGER');

export const NOTIFIER = Symbol('NOTIFIER');

/** Timers: one delayed job per (incident, level) with a deterministic id (BullEscalationScheduler). */
export interface EscalationScheduler {
  /** Makes sure the step's job exists and fires no later than step.dueAt; scheduling it again adds nothing. */
  schedule(incidentId: string, step: EscalationStep): Promise<void>;
  /** Removes the step's job if it has not started (false otherwise). */
  cancel(incidentId: string, level: number): Promise<boolean>;
}
export const ESCALATION_SCHEDULER = Symbol('ESCALATION_SCHEDULER');

/** Where a worker can die in the middle of an escalation; the hook exists for the crash tests only. */
export const ESCALATION_FAULT_POINTS = ['before-claim', 'after-claim', 'after-deliver', 'after-mark'] as const;
export type EscalationFaultPoint = (typeof ESCALATION_FAULT_POINTS)[number];
export type EscalationFaultHook = (
  point: EscalationFaultPoint,
  at: { readonly incidentId: string; readonly level: number },
) => void | Promise<void>;
