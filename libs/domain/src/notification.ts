/**
 * Notifications sent about incidents (escalations to supervisors, reminders). Each is recorded once per
 * (incident, level) before it is delivered; its id is the idempotency key of the delivery. Times are epoch ms.
 */

/** Who escalation notifies: roles, resolved to people by the channel (the console for now). */
export const ESCALATION_ROLES = ['operator', 'supervisor', 'duty-manager'] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

export const NOTIFICATION_KINDS = ['escalation', 'reminder'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface IncidentNotification {
  /** uuid; the idempotency key of its delivery. */
  readonly id: string;
  readonly incidentId: string;
  /** 1, 2, … in the order the policy fires them (escalation levels first, then reminders). */
  readonly level: number;
  readonly kind: NotificationKind;
  readonly recipients: readonly EscalationRole[];
  readonly channel: string;
  readonly createdAt: number;
  /** Set once the notifier has taken it; undefined while delivery is pending. */
  readonly deliveredAt?: number;
}

/**
 * Delivers a notification. Must be idempotent by `notification.id`: called again with the same id (a retried job
 * after a crash between delivery and bookkeeping), it delivers nothing new and returns the first delivery's ref.
 */
export interface Notifier {
  deliver(notification: IncidentNotification): Promise<{ readonly ref: string; readonly duplicate: boolean }>;
}
