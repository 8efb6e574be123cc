import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { PlatformModule, type IocConfig } from '@ioc/platform';
import { StorageModule } from '@ioc/storage';
import { QueueModule } from '@ioc/queue';
import { IngestModule } from '@ioc/ingest';
import { CorrelationModule, ExercisesModule } from '@ioc/correlate';
import { EscalationModule } from '@ioc/incidents';
import { RealtimeModule } from '@ioc/realtime';
import { CityModule } from './city.module';
import { JobsModule } from './jobs.module';
import { HttpApiModule } from './http/http-api.module';
import { ConsoleStaticModule } from './http/console-static.module';
import { OpsHttpModule } from './http/ops-http.module';

/** One server build; the configured roles decide which modules this process runs. */
@Module({})
export class AppModule {
  static forRoot(config: IocConfig, logger: Logger): DynamicModule {
    const roles: Type[] = [];
    if (config.roles.has('api')) roles.push(HttpApiModule, RealtimeModule);
    if (config.roles.has('ingest')) roles.push(IngestModule);
    if (config.roles.has('correlate')) roles.push(CorrelationModule);
    if (config.roles.has('jobs')) roles.push(JobsModule);
    // Timers are scheduled by the correlate role, cancelled by the api role, fired by the jobs role's worker.
    const escalation = ['api', 'correlate', 'jobs'].some((r) => config.roles.has(r as never))
      ? [EscalationModule.forRoot({ worker: config.roles.has('jobs'), policyFile: config.escalation.policyFile })]
      : [];
    // Exercises are started and stopped by the api role, replayed by the jobs role.
    const exercises =
      config.roles.has('api') || config.roles.has('jobs')
        ? [ExercisesModule.forRoot({ worker: config.roles.has('jobs') })]
        : [];
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, logger),
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        StorageModule.forRoot(),
        QueueModule,
        // The city and the rules, once for every role (global).
        CityModule,
        // Every process answers /health and /metrics, whatever its roles.
        OpsHttpModule,
        ...escalation,
        ...exercises,
        ...roles,
        // Last, so the API's routes come before the console's single-page fallback.
        ...(config.roles.has('api') ? [ConsoleStaticModule.forRoot(config.correlation.seedsDir)] : []),
      ],
    };
  }
}
