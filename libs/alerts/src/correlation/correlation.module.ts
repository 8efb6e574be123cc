import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { loadRules, loadTopology } from '@ioc/correlation';
import { CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { AcceptedMessageTap, DeviceMessageStream, IncidentEventStream, REDIS } from '@ioc/queue';
import { RawMessageRepository } from '@ioc/storage';
import * as path from 'node:path';
import { IncidentService } from '../incident.service';
import { IncidentsModule } from '../incidents.module';
import { EscalationService } from '../escalation/escalation.service';
import { CorrelationService } from './correlation.service';
import { DeviceMessageConsumer } from './device-message-consumer';

const CONSUMER_GROUP = 'ioc-correlate';
const ESCALATION_TRIGGERS = new Set(['opened', 'reopened', 'severity-raised']);

/**
 * The correlate role. Rules and the city topology are read and validated at boot (a broken rule file stops the
 * start). Readings come from the ingest fast path when ingest runs in this process, otherwise from the stream.
 * Needs EscalationModule (global) for the escalation timers of the incidents it opens.
 */
@Module({
  imports: [IncidentsModule],
  providers: [
    {
      provide: CorrelationService,
      inject: [IOC_CONFIG, IncidentService, EscalationService, RawMessageRepository, IncidentEventStream, CLOCK, LOGGER],
      useFactory: (
        config: IocConfig,
        incidents: IncidentService,
        escalation: EscalationService,
        raw: RawMessageRepository,
        events: IncidentEventStream,
        clock: Clock,
        root: Logger,
      ) => {
        const seeds = config.correlation.seedsDir;
        return new CorrelationService(
          {
            rules: loadRules(seeds ? path.join(seeds, 'rules') : undefined),
            topology: loadTopology(seeds),
            allowedLatenessMs: config.correlation.allowedLatenessMs,
            tickMs: config.correlation.tickMs,
            recoveryMs: config.correlation.recoveryMs,
          },
          {
            applySignal: (signal) => incidents.applySignal(signal),
            changed: async (change) => {
              await events.publish(change.events);
              // A new, reopened or more severe incident gets its escalation timer (scheduling twice adds nothing).
              const timed = new Set(change.events.filter((e) => ESCALATION_TRIGGERS.has(e.type)).map((e) => e.incidentId));
              for (const id of timed) await escalation.schedule(id);
            },
            history: (from, to) => raw.range(from, to),
          },
          clock,
          root.child({ component: 'correlate' }),
        );
      },
    },
  ],
  exports: [CorrelationService],
})
export class CorrelationModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: DeviceMessageConsumer;
  private consumerRedis?: Redis;
  private readonly fastPath: boolean;

  constructor(
    @Inject(CorrelationService) private readonly correlation: CorrelationService,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AcceptedMessageTap) tap: AcceptedMessageTap,
  ) {
    // With ingest in this process, readings come through the fast path (before their commit). Subscribed before any
    // module starts, so the ingest role cannot accept a reading the engine misses.
    this.fastPath = config.roles.has('ingest');
    if (this.fastPath) tap.subscribe((messages) => this.correlation.accept(messages));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.fastPath) {
      this.consumerRedis = this.redis.duplicate();
      const stream = new DeviceMessageStream(this.consumerRedis, this.config.redis.prefix);
      this.consumer = new DeviceMessageConsumer(stream, CONSUMER_GROUP, this.config.ingest.instanceId, (m) => this.correlation.accept(m), this.logger);
      await this.consumer.start();
    }
    await this.correlation.start();
  }

  /** Before storage closes its pool: stop reading, then apply the signals already decided. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumerRedis?.disconnect();
    await this.correlation.stop();
  }
}
