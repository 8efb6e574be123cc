import { Global, Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { DeviceMessage, FieldReport, IncidentType } from '@ioc/domain';
import { Counter, Histogram, type Registry } from 'prom-client';
import {
  CLOCK,
  IOC_CONFIG,
  LOGGER,
  METRICS_REGISTRY,
  type IocConfig,
  type Logger,
  type TimerClock,
} from '@ioc/platform';
import { AcceptedMessageTap, DeviceMessageStream, FieldReportStream, FieldReportTap, REDIS } from '@ioc/queue';
import {
  FieldReportRepository,
  RawMessageRepository,
  SignalDeadLetterRepository,
  SilenceRepository,
  toFieldReport,
} from '@ioc/storage';
import { TOPOLOGY, type Topology } from '@ioc/city';
import { RULES, type RuleSet } from '@ioc/correlation';
import { IncidentService, IncidentChangeFanout, IncidentCommandsModule } from '@ioc/incidents';
import { CorrelationService } from './correlation.service';
import { StreamConsumer } from './stream-consumer';

const CONSUMER_GROUP = 'ioc-correlate';
const FIELD_REPORT_GROUP = 'ioc-correlate-reports';

/**
 * The correlate role, over the rules and the city topology the application read and validated at boot (RULES,
 * TOPOLOGY: a broken rule or seed file stops the start). Readings come from the ingest fast path when ingest runs in this process, otherwise from the stream.
 * Committed changes go through IncidentChangeFanout (stream, escalation timers), as operators' do.
 */
@Global()
@Module({
  imports: [IncidentCommandsModule],
  providers: [
    {
      provide: CorrelationService,
      inject: [
        IOC_CONFIG,
        RULES,
        TOPOLOGY,
        IncidentService,
        IncidentChangeFanout,
        RawMessageRepository,
        FieldReportRepository,
        SilenceRepository,
        SignalDeadLetterRepository,
        CLOCK,
        LOGGER,
        METRICS_REGISTRY,
      ],
      useFactory: (
        config: IocConfig,
        rules: RuleSet,
        topology: Topology,
        incidents: IncidentService,
        fanout: IncidentChangeFanout,
        raw: RawMessageRepository,
        fieldReports: FieldReportRepository,
        silences: SilenceRepository,
        deadLetters: SignalDeadLetterRepository,
        clock: TimerClock,
        root: Logger,
        registry: Registry,
      ) => {
        // How long an engine decision takes to become committed incident events: the database's share of the time
        // from a reading to the operator's screen.
        const applySeconds = new Histogram({
          name: 'ioc_correlate_signal_apply_seconds',
          help: 'Time to commit one engine decision as incident events (IncidentService.applySignal), by operation.',
          labelNames: ['op'],
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers: [registry],
        });
        const deadLettered = new Counter({
          name: 'ioc_correlate_signals_dead_lettered_total',
          help: 'Engine decisions set aside because applying them failed for a reason that would recur (kept in signal_dead_letter), by operation and failure code.',
          labelNames: ['op', 'code'],
          registers: [registry],
        });
        return new CorrelationService(
          {
            rules,
            topology,
            // A reading's lateness is its time in transit, real milliseconds: on a scenario clock running N times as
            // fast, the watermark stays N times as much clock time behind.
            allowedLatenessMs: config.correlation.allowedLatenessMs * clock.speed,
            tickMs: config.correlation.tickMs,
            earlyFiring: config.correlation.earlyFiring,
            recoveryMs: config.correlation.recoveryMs,
          },
          {
            applySignal: async (signal) => {
              const done = applySeconds.startTimer({ op: signal.op });
              try {
                return await incidents.applySignal(signal);
              } finally {
                done();
              }
            },
            changed: (change) => fanout.changed(change),
            history: (from, to) => raw.range(from, to),
            reports: async (from, to) => (await fieldReports.range(from, to)).map(toFieldReport),
            silences: async (since) =>
              (await silences.inForce(since)).map((x) => ({
                id: x.id,
                matchers: { ...x.matchers, type: x.matchers.type as IncidentType | undefined },
                startsAt: x.startsAt.getTime(),
                endsAt: x.endsAt.getTime(),
                comment: x.comment,
              })),
            deadLettered: async (letter) => {
              deadLettered.inc({ op: letter.op, code: letter.code });
              await deadLetters.add({ ...letter, failedAt: new Date(letter.at) });
            },
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
  private consumer?: StreamConsumer<DeviceMessage>;
  private consumerRedis?: Redis;
  private reportConsumer?: StreamConsumer<FieldReport>;
  private reportRedis?: Redis;
  private readonly fastPath: boolean;

  constructor(
    @Inject(CorrelationService) private readonly correlation: CorrelationService,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AcceptedMessageTap) tap: AcceptedMessageTap,
    @Inject(FieldReportTap) reportTap: FieldReportTap,
  ) {
    // Field reports: from the API in this process directly, from other API processes through their stream (below).
    reportTap.subscribe((reports) => this.correlation.acceptReports(reports));
    // With ingest in this process, readings come through the fast path (before their commit). Subscribed before any
    // module starts, so the ingest role cannot accept a reading the engine misses.
    this.fastPath = config.roles.has('ingest');
    if (this.fastPath) tap.subscribe((messages) => this.correlation.accept(messages));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.fastPath) {
      this.consumerRedis = this.redis.duplicate();
      const stream = new DeviceMessageStream(this.consumerRedis, this.config.redis.prefix);
      const consumer = new StreamConsumer(
        stream,
        CONSUMER_GROUP,
        this.config.ingest.instanceId,
        (m) => this.correlation.accept(m),
        this.logger,
      );
      this.consumer = consumer;
      await consumer.start();
    }
    // Always: API processes without a correlate role of their own publish their reports on this stream.
    this.reportRedis = this.redis.duplicate();
    const reports = new StreamConsumer(
      new FieldReportStream(this.reportRedis, this.config.redis.prefix),
      FIELD_REPORT_GROUP,
      this.config.ingest.instanceId,
      (r) => this.correlation.acceptReports(r),
      this.logger,
    );
    this.reportConsumer = reports;
    await reports.start();
    await this.correlation.start();
  }

  /** Before storage closes its pool: stop reading, then apply the signals already decided. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.reportConsumer?.stop();
    this.consumerRedis?.disconnect();
    this.reportRedis?.disconnect();
    await this.correlation.stop();
  }
}
