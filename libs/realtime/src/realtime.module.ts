import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { AuthModule } from '@ioc/auth';
import { TOPOLOGY, WardIndex, type Topology } from '@ioc/city';
import { ExerciseAccessService, IncidentsModule, IncidentService } from '@ioc/incidents';
import { EVENT_STREAMS } from '@ioc/contracts';
import { IOC_CONFIG, LOGGER, type IocConfig, type Logger } from '@ioc/platform';
import { IncidentEventStream, IncidentEventTap, REDIS } from '@ioc/queue';
import type { StoredIncidentEvent } from '@ioc/domain';
import { IncidentFeedRepository } from '@ioc/storage';
import { IncidentFeed, type FeedLog } from './incident-feed';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeGateway, SOCKET_ADAPTER } from './realtime.gateway';
import { RealtimeService } from './realtime.service';
import { StreamTail } from './stream-tail';

/** Tuning of the feed and the catch-up (constants for now; see docs/realtime.md). */
export const REALTIME_TUNING = {
  /**
   * A batch goes out at most this often per subscription room: ≤ 67 socket writes per second per socket. An idle feed
   * sends at once; under load, fewer and larger frames cost the server's writes and every client's frame handling less
   * (bench:push, 1,000 changes/s to 100 sockets: 10 ms gave p50 9–11 ms and p99 49–148 ms, 15 ms p50 11–14 and p99
   * 43–119, 25 ms p50 19–21 and p99 58–90).
   */
  batchMs: 15,
  /**
   * Events that arrive ahead of a gap wait this long for the stream to bring the missing ones (several writers publish
   * out of seq order) before the gap is read from the database.
   */
  gapWaitMs: 30,
  /** Rows per database read (gap fill, catch-up page). */
  pageSize: 1_000,
  /** A client further behind than this many events reloads (incident:resync-required). */
  catchUpMax: 20_000,
  summaryCacheSize: 20_000,
  /** The database is polled when the stream has brought nothing for this long (a publish lost after its commit). */
  pollMs: 1_000,
} as const;

const FEED_LOG = Symbol('FEED_LOG');
const ADAPTER_CLIENTS = Symbol('ADAPTER_CLIENTS');

/**
 * The real-time gateway of the api role: socket.io on the HTTP server, the process's incident feed (one blocking tail
 * of the incident-event stream, the database as the source of truth) and the socket.io Redis adapter so several API
 * processes serve one set of rooms. Needs StorageModule, QueueModule, PlatformModule and the city (TOPOLOGY).
 */
@Module({
  imports: [IncidentsModule, AuthModule],
  providers: [
    IncidentFeedRepository,
    RealtimeAuthenticator,
    { provide: WardIndex, inject: [TOPOLOGY], useFactory: (topology: Topology) => new WardIndex(topology) },
    {
      provide: FEED_LOG,
      inject: [IncidentService, IncidentFeedRepository],
      useFactory: (incidents: IncidentService, feed: IncidentFeedRepository): FeedLog => ({
        headSeq: () => feed.headSeq(),
        eventsSince: (seq, limit) => incidents.eventsSince(seq, limit),
        summaries: (ids) => feed.summaries(ids),
      }),
    },
    {
      provide: IncidentFeed,
      inject: [FEED_LOG, WardIndex, LOGGER],
      useFactory: (log: FeedLog, wards: WardIndex, logger: Logger) =>
        new IncidentFeed(log, wards, REALTIME_TUNING, logger.child({ component: 'realtime' })),
    },
    {
      provide: RealtimeService,
      inject: [IncidentFeed, FEED_LOG, WardIndex, LOGGER, ExerciseAccessService],
      useFactory: (feed: IncidentFeed, log: FeedLog, wards: WardIndex, logger: Logger, access: ExerciseAccessService) =>
        new RealtimeService(
          feed,
          log,
          wards.wards,
          { catchUpPage: REALTIME_TUNING.pageSize, catchUpMax: REALTIME_TUNING.catchUpMax },
          logger.child({ component: 'realtime' }),
          async (principal) => {
            const scope = await access.scopeOf(principal);
            return scope.all ? null : scope.keyPrefixes;
          },
        ),
    },
    {
      provide: ADAPTER_CLIENTS,
      inject: [REDIS],
      useFactory: (redis: Redis) => ({ pub: redis.duplicate(), sub: redis.duplicate() }),
    },
    {
      provide: SOCKET_ADAPTER,
      inject: [ADAPTER_CLIENTS, IOC_CONFIG],
      useFactory: (clients: { pub: Redis; sub: Redis }, config: IocConfig) =>
        createAdapter(clients.pub, clients.sub, { key: `${config.redis.prefix}:socket.io` }),
    },
    RealtimeGateway,
  ],
  exports: [RealtimeService, IncidentFeed],
})
export class RealtimeModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private tail?: StreamTail;
  private tailRedis?: Redis;
  private poller?: NodeJS.Timeout;
  private unsubscribeLocal?: () => void;

  constructor(
    private readonly feed: IncidentFeed,
    private readonly service: RealtimeService,
    private readonly events: IncidentEventStream,
    @Inject(IncidentEventTap) private readonly local: IncidentEventTap,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ADAPTER_CLIENTS) private readonly adapterClients: { pub: Redis; sub: Redis },
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Reads block: a connection of its own.
    this.tailRedis = this.redis.duplicate();
    const offer = (events: readonly StoredIncidentEvent[]) =>
      void this.feed
        .offer(events)
        .catch((err) => this.logger.warn({ err }, 'incident feed: reading a gap failed; the poll retries'));
    this.tail = new StreamTail(
      this.tailRedis,
      { incidentEvents: this.events.key, notifications: `${this.config.redis.prefix}:${EVENT_STREAMS.notifications}` },
      { events: offer, notification: (n) => this.service.notify(n) },
      this.logger.child({ component: 'realtime' }),
    );
    await this.tail.start(() => this.feed.start());
    // Changes committed in this process, as they commit (the stream brings them again, and the feed drops them then).
    // Only now: an event offered before the feed knows the database's head would be taken for a gap from seq 0.
    this.unsubscribeLocal = this.local.subscribe(offer);
    this.poller = setInterval(() => {
      if (this.feed.idleMs() >= REALTIME_TUNING.pollMs)
        this.feed.poll().catch((err) => this.logger.warn({ err }, 'incident feed: poll failed'));
    }, REALTIME_TUNING.pollMs);
  }

  /** Before the pool closes: stop reading. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.unsubscribeLocal?.();
    this.feed.stop();
    await this.tail?.stop();
  }

  onApplicationShutdown(): void {
    this.adapterClients.pub.disconnect();
    this.adapterClients.sub.disconnect();
  }
}
