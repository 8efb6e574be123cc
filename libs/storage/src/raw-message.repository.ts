import { Inject, Injectable } from '@nestjs/common';
import { domainOf, type DeviceMessage, type MessageKind } from '@ioc/domain';
import { DATABASE, type Database } from './database';

/** raw_message's columns (also exercise_recording_message's). */
export interface RawMessageRow {
  time: Date;
  device_id: string;
  msg_id: string;
  kind: MessageKind;
  received_at: Date;
  topic: string;
  gateway_id: string | null;
  body: Record<string, unknown>;
}

/** A position in event-time order; reading resumes strictly after it. */
export interface RawMessageCursor {
  readonly time: Date;
  readonly deviceId: string;
  readonly msgId: string;
}

// Keyset paging in the canonical order (time, device, message id): the order the correlation engine processes in.
const PAGE = `
  SELECT time, device_id, msg_id, kind, received_at, topic, gateway_id, body
  FROM raw_message
  WHERE time >= $1 AND time < $2
    AND ($3::timestamptz IS NULL OR (time, device_id, msg_id) > ($3::timestamptz, $4::text, $5::text))
  ORDER BY time, device_id, msg_id
  LIMIT $6`;

/** Reads back the accepted messages as received: backtests, state recovery of the correlation role, replay. */
@Injectable()
export class RawMessageRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async page(from: Date, to: Date, after: RawMessageCursor | undefined, limit: number): Promise<DeviceMessage[]> {
    const { rows } = await this.db.pool.query<RawMessageRow>(PAGE, [
      from,
      to,
      after?.time ?? null,
      after?.deviceId ?? null,
      after?.msgId ?? null,
      limit,
    ]);
    return rows.map(toDeviceMessage);
  }

  /** Every message with from ≤ ts < to, in canonical order, page by page. */
  async *range(from: Date, to: Date, pageSize = 5_000): AsyncGenerator<DeviceMessage[]> {
    let after: RawMessageCursor | undefined;
    for (;;) {
      const page = await this.page(from, to, after, pageSize);
      if (page.length === 0) return;
      yield page;
      const last = page[page.length - 1];
      after = { time: last.ts, deviceId: last.deviceId, msgId: last.msgId };
      if (page.length < pageSize) return;
    }
  }

  async count(from: Date, to: Date): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM raw_message WHERE time >= $1 AND time < $2',
      [from, to],
    );
    return Number(rows[0].n);
  }
}

export function toDeviceMessage(r: RawMessageRow): DeviceMessage {
  return {
    deviceId: r.device_id,
    msgId: r.msg_id,
    kind: r.kind,
    domain: domainOf(r.kind),
    ts: r.time,
    receivedAt: r.received_at,
    topic: r.topic,
    gatewayId: r.gateway_id ?? undefined,
    body: r.body,
    bodyJson: JSON.stringify(r.body),
  };
}
