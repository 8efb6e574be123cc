import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { JOBS, QUEUES } from '@ioc/contracts';
import type { Notifier } from '@ioc/domain';
import { CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig, type Logger, type TimerClock } from '@ioc/platform';
import { IncidentEventStream, JobRunner, REDIS, RedisStreamNotifier } from '@ioc/queue';
import { IncidentNotificationRepository, IncidentRepository } from '@ioc/storage';
import { IncidentService } from '../incident.service';
import { IncidentsModule } from '../incidents.module';
import { AuditedNotifier, LifecycleEscalationPort } from './lifecycle-escalation.port';
import { escalateIncidentJob } from './escalate-incident.job';
import { loadEscalationPolicy, type EscalationPolicy } from './escalation-policy';
import {
  ESCALATION_INCIDENT_PORT,
  ESCALATION_SCHEDULER,
  NOTIFIER,
  type EscalationIncidentPort,
  type EscalationScheduler,
} from './escalation.ports';
import { BullEscalationScheduler, ESCALATION_WORKER, type EscalationRunner } from './escalation.scheduler';
import { EscalationService } from './escalation.service';

export const ESCALATION_POLICY = Symbol('ESCALATION_POLICY');
export const ESCALATION_RUNNER = Symbol('ESCALATION_RUNNER');
const RUN_WORKER = Symbol('ESCALATION_RUN_WORKER');

export interface EscalationModuleOptions {
  /** The incident state reader; default: the incident lifecycle's repository (live incidents only). */
  readonly incidentPort?: Provider & { provide: typeof ESCALATION_INCIDENT_PORT };
  /** Run the escalation worker in this process (the jobs role); otherwise only schedule timers. */
  readonly worker: boolean;
  /** Default: seeds/escalation.yaml. */
  readonly policyFile?: string;
}

/**
 * Escalation: EscalationService with its policy (validated at boot: a broken file stops the start), the notification
 * ledger, the Redis-stream notifier and the BullMQ timers. Needs PlatformModule, StorageModule and QueueModule.
 */
@Module({})
export class EscalationModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(ESCALATION_RUNNER) private readonly runner: EscalationRunner,
    @Inject(EscalationService) private readonly service: EscalationService,
    @Inject(RUN_WORKER) private readonly runWorker: boolean,
    @Inject(CLOCK) private readonly clock: TimerClock,
  ) {}

  static forRoot(opts: EscalationModuleOptions): DynamicModule {
    return {
      module: EscalationModule,
      // Global: the correlate role schedules timers when incidents open, the api role cancels them on acknowledgement.
      global: true,
      imports: [IncidentsModule],
      providers: [
        opts.incidentPort ?? {
          provide: ESCALATION_INCIDENT_PORT,
          inject: [IncidentRepository],
          useFactory: (repo: IncidentRepository) => new LifecycleEscalationPort(repo),
        },
        { provide: RUN_WORKER, useValue: opts.worker },
        { provide: ESCALATION_POLICY, useFactory: () => loadEscalationPolicy(opts.policyFile) },
        {
          provide: ESCALATION_RUNNER,
          inject: [IOC_CONFIG, LOGGER],
          useFactory: (config: IocConfig, logger: Logger): EscalationRunner =>
            new JobRunner(
              {
                redisUrl: config.redis.url,
                prefix: config.redis.prefix,
                queue: QUEUES.escalation,
                ...ESCALATION_WORKER,
              },
              logger.child({ component: 'escalation' }),
            ),
        },
        {
          provide: NOTIFIER,
          inject: [REDIS, IOC_CONFIG, LOGGER, IncidentService, IncidentEventStream],
          useFactory: (
            redis: Redis,
            config: IocConfig,
            logger: Logger,
            incidents: IncidentService,
            stream: IncidentEventStream,
          ): Notifier =>
            new AuditedNotifier(
              new RedisStreamNotifier(redis, config.redis.prefix, logger.child({ component: 'notifier' })),
              incidents,
              (events) => stream.publish(events),
            ),
        },
        {
          provide: ESCALATION_SCHEDULER,
          inject: [ESCALATION_RUNNER, CLOCK],
          useFactory: (runner: EscalationRunner, clock: TimerClock) => new BullEscalationScheduler(runner, clock),
        },
        {
          provide: EscalationService,
          inject: [
            ESCALATION_INCIDENT_PORT,
            IncidentNotificationRepository,
            NOTIFIER,
            ESCALATION_SCHEDULER,
            ESCALATION_POLICY,
            CLOCK,
            LOGGER,
          ],
          useFactory: (
            incidents: EscalationIncidentPort,
            ledger: IncidentNotificationRepository,
            notifier: Notifier,
            scheduler: EscalationScheduler,
            policy: EscalationPolicy,
            clock: Clock,
            logger: Logger,
          ) =>
            new EscalationService(incidents, ledger, notifier, scheduler, {
              policy,
              clock,
              logger: logger.child({ component: 'escalation' }),
            }),
        },
      ],
      exports: [EscalationService, ESCALATION_POLICY],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runWorker)
      await this.runner.start({ [JOBS.escalateIncident]: escalateIncidentJob(this.service, this.clock) });
    else this.runner.open();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}
