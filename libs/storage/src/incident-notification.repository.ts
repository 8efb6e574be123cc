import { Inject, Injectable } from '@nestjs/common';
import type { EscalationRole, IncidentNotification, NotificationKind } from '@ioc/domain';
import { DATABASE, type Database } from './database';

/** What escalation decides to send; the row gets its id (the delivery's idempotency key) from the database. */
export interface NewIncidentNotification {
  readonly incidentId: string;
  readonly level: number;
  readonly kind: NotificationKind;
  readonly recipients: readonly EscalationRole[];
  readonly channel: string;
  readonly createdAt: number;
}

export interface NotificationClaim {
  readonly notification: IncidentNotification;
  /** False: the (incident, level) was claimed before (by an earlier try of the job, or a concurrent one). */
  readonly created: boolean;
}

export interface NotificationRow {
  id: string;
  incident_id: string;
  level: number;
  kind: NotificationKind;
  recipients: EscalationRole[];
  channel: string;
  created_at: Date;
  delivered_at: Date | null;
}

export const COLUMNS = 'id, incident_id, level, kind, recipients, channel, created_at, delivered_at';

export function toNotification(r: NotificationRow): IncidentNotification {
  return {
    id: r.id,
    incidentId: r.incident_id,
    level: r.level,
    kind: r.kind,
    recipients: r.recipients,
    channel: r.channel,
    createdAt: r.created_at.getTime(),
    ...(r.delivered_at !== null && { deliveredAt: r.delivered_at.getTime() }),
  };
}

/** The ledger of escalation notifications: exactly one row per (incident, level). */
@Injectable()
export class IncidentNotificationRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Claims (incident, level): inserts the notification, or returns the row an earlier claim wrote. The insert is one
   * autocommitted statement, so once it returns the claim is durable and every later try finds it.
   */
  async claim(n: NewIncidentNotification): Promise<NotificationClaim> {
    const { rows } = await this.db.pool.query<NotificationRow>(
      `INSERT INTO incident_notification (incident_id, level, kind, recipients, channel, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (incident_id, level) DO NOTHING
       RETURNING ${COLUMNS}`,
      [n.incidentId, n.level, n.kind, n.recipients, n.channel, new Date(n.createdAt)],
    );
    if (rows.length) return { notification: toNotification(rows[0]), created: true };
    // The conflicting row was committed by another transaction: a new statement (new snapshot) sees it.
    const existing = await this.get(n.incidentId, n.level);
    if (!existing) throw new Error(`incident_notification (${n.incidentId}, ${n.level}) conflicted but is not visible`);
    return { notification: existing, created: false };
  }

  async get(incidentId: string, level: number): Promise<IncidentNotification | undefined> {
    const { rows } = await this.db.pool.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM incident_notification WHERE incident_id = $1 AND level = $2`,
      [incidentId, level],
    );
    return rows.length ? toNotification(rows[0]) : undefined;
  }

  /** Records the delivery; false when it was already recorded (the first time stays). */
  async markDelivered(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.db.pool.query(
      'UPDATE incident_notification SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL',
      [id, new Date(at)],
    );
    return rowCount === 1;
  }

  /** The highest level claimed for the incident, 0 when none. */
  async lastLevel(incidentId: string): Promise<number> {
    const { rows } = await this.db.pool.query<{ level: number | null }>(
      'SELECT max(level) AS level FROM incident_notification WHERE incident_id = $1',
      [incidentId],
    );
    return rows[0].level ?? 0;
  }

  async listForIncident(incidentId: string): Promise<IncidentNotification[]> {
    const { rows } = await this.db.pool.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM incident_notification WHERE incident_id = $1 ORDER BY level`,
      [incidentId],
    );
    return rows.map(toNotification);
  }

  /** Claimed but not delivered, oldest first (a worker died between claim and delivery and its job has not run again). */
  async listPending(limit: number): Promise<IncidentNotification[]> {
    const { rows } = await this.db.pool.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM incident_notification WHERE delivered_at IS NULL ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map(toNotification);
  }
}
