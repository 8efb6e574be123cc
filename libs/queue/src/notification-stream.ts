import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EVENT_STREAMS } from '@ioc/contracts';
import type { IncidentNotification, Notifier } from '@ioc/domain';

/** Stream entries kept; the console reads recent ones, the incident_notification table keeps them all. */
const MAX_ENTRIES = 100_000;
/** How long a delivery is remembered by id. Far longer than any job retries (minutes), so a retry always finds it. */
const DEDUP_TTL_S = 30 * 24 * 3600;

/**
 * Appends once per id, atomically (a script runs alone in Redis): if the id was delivered, return the entry it got;
 * otherwise XADD and remember the entry id under the dedup key.
 * KEYS[1] dedup key, KEYS[2] stream; ARGV[1] TTL s, ARGV[2] max entries, ARGV[3..] the entry's field/value pairs.
 */
const DELIVER_ONCE = `
local seen = redis.call('GET', KEYS[1])
if seen then return {seen, 1} end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
return {id, 0}`;

export interface NotificationEntry {
  readonly streamId: string;
  readonly notification: IncidentNotification;
}

type RedisWithDeliverOnce = Redis & {
  iocDeliverOnce(
    dedupKey: string,
    stream: string,
    ttlS: number,
    maxLen: number,
    ...fields: string[]
  ): Promise<[string, number]>;
};

/**
 * The Notifier for now: each notification goes once onto the Redis stream `stream:notifications` (the console shows
 * them), with a structured log line. Idempotent by notification id, so a job retried after a crash between delivery
 * and bookkeeping appends nothing twice.
 */
export class RedisStreamNotifier implements Notifier {
  readonly key: string;
  private readonly redis: RedisWithDeliverOnce;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.key = `${prefix}:${EVENT_STREAMS.notifications}`;
    if (!('iocDeliverOnce' in redis)) redis.defineCommand('iocDeliverOnce', { numberOfKeys: 2, lua: DELIVER_ONCE });
    this.redis = redis as RedisWithDeliverOnce;
  }

  async deliver(n: IncidentNotification): Promise<{ ref: string; duplicate: boolean }> {
    const [ref, seen] = await this.redis.iocDeliverOnce(
      `${this.prefix}:notification-delivered:${n.id}`,
      this.key,
      DEDUP_TTL_S,
      MAX_ENTRIES,
      'id',
      n.id,
      'notification',
      JSON.stringify(n),
    );
    const duplicate = seen === 1;
    this.logger.info(
      {
        incidentId: n.incidentId,
        notificationId: n.id,
        level: n.level,
        kind: n.kind,
        recipients: n.recipients,
        channel: n.channel,
        ref,
        duplicate,
      },
      duplicate ? 'notification already delivered' : 'notification delivered',
    );
    return { ref, duplicate };
  }

  /** Entries from the start (tests, tools). */
  async readAll(count = 10_000): Promise<NotificationEntry[]> {
    const res = await this.redis.xrange(this.key, '-', '+', 'COUNT', count);
    return res.map(([streamId, fields]) => ({
      streamId,
      notification: JSON.parse(fields[fields.indexOf('notification') + 1]) as IncidentNotification,
    }));
  }
}
