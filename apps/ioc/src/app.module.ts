import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { PlatformModule, type IocConfig } from '@ioc/platform';
import { StorageModule } from '@ioc/storage';
import { QueueModule } from '@ioc/queue';
import { IngestModule } from '@ioc/ingest';
import { CorrelationModule } from '@ioc/alerts';
import { JobsModule } from './jobs.module';
import { HttpApiModule } from './http/http-api.module';

/** One server build; the configured roles decide which modules this process runs. */
@Module({})
export class AppModule {
  static forRoot(config: IocConfig, logger: Logger): DynamicModule {
    const roles: Type[] = [];
    if (config.roles.has('api')) roles.push(HttpApiModule);
    if (config.roles.has('ingest')) roles.push(IngestModule);
    if (config.roles.has('correlate')) roles.push(CorrelationModule);
    if (config.roles.has('jobs')) roles.push(JobsModule);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, logger),
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        StorageModule.forRoot(),
        QueueModule,
        ...roles,
      ],
    };
  }
}
