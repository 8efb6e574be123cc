import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS } from '@ioc/contracts';
import { CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig } from '@ioc/platform';
import { MaintenanceService } from '@ioc/storage';
import { JobRunner, type JobHandlers } from '@ioc/queue';
import { IncidentChangeFanout, IncidentCommandsModule, IncidentService } from '@ioc/incidents';

/** How often resolved incidents past their auto-close period are closed. */
const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

/** The jobs role: BullMQ worker and schedules. Each handler hands off to one service method. */
@Module({
  imports: [IncidentCommandsModule],
  providers: [
    {
      provide: JobRunner,
      inject: [IOC_CONFIG, LOGGER],
      useFactory: (config: IocConfig, logger: Logger) =>
        new JobRunner({ redisUrl: config.redis.url, prefix: config.redis.prefix }, logger.child({ component: 'jobs' })),
    },
  ],
})
export class JobsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(MaintenanceService) private readonly maintenance: MaintenanceService,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(IncidentChangeFanout) private readonly fanout: IncidentChangeFanout,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handlers: JobHandlers = {
      [JOBS.storageMaintenance]: () => this.maintenance.run(this.clock.now()),
      [JOBS.incidentHousekeeping]: async () => {
        const change = await this.incidents.closeExpired();
        // As after any committed change: the `closed` events go to the sockets now, timers are dropped.
        await this.fanout.changed(change);
        return { closed: change.incidents.length };
      },
    };
    await this.runner.start(handlers, [
      { name: JOBS.storageMaintenance, everyMs: this.config.jobs.maintenanceIntervalMs },
      { name: JOBS.incidentHousekeeping, everyMs: HOUSEKEEPING_EVERY_MS },
    ]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}
