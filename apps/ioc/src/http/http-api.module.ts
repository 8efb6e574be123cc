import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AuthModule, LoginService, LoginThrottle, UsersModule } from '@ioc/auth';
import { IncidentCommandsModule } from '@ioc/incidents';
import { ApiServicesModule } from '@ioc/api';
import { ExerciseReportsModule } from '@ioc/correlate';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { REDIS } from '@ioc/queue';
import { RealtimeModule } from '@ioc/realtime';
import { RegistryModule } from '@ioc/registry';
import { AuthController } from './auth.controller';
import { DevicesController } from './devices.controller';
import { FieldReportsController } from './field-reports.controller';
import { SilencesController } from './silences.controller';
import { ExercisesController, RecordingsController } from './exercises.controller';
import { ExerciseInjectsController, ExerciseScriptsController } from './exercise-injects.controller';
import { ExerciseReportsController } from './exercise-reports.controller';
import { IncidentsController } from './incidents.controller';
import { IngestApiController } from './ingest-api.controller';
import { KpiController } from './kpi.controller';
import { NgsiLdController } from './ngsi-ld.controller';
import { RegistryController } from './registry.controller';
import { UsersController } from './users.controller';

/**
 * The api role's HTTP edge: thin controllers over the services of libs; every route authenticated (global guard of
 * UsersModule) unless @Public(); every failure answered by IocExceptionFilter with a code (OpsHttpModule). Sign-in is
 * throttled with counters in Redis, shared by every API process. `/health` and `/metrics` are every process's
 * (OpsHttpModule).
 */
@Module({
  imports: [
    AuthModule,
    UsersModule,
    IncidentCommandsModule,
    ApiServicesModule,
    RealtimeModule,
    RegistryModule,
    ExerciseReportsModule,
  ],
  controllers: [
    AuthController,
    UsersController,
    IncidentsController,
    DevicesController,
    KpiController,
    FieldReportsController,
    SilencesController,
    RecordingsController,
    ExercisesController,
    ExerciseInjectsController,
    ExerciseScriptsController,
    ExerciseReportsController,
    IngestApiController,
    RegistryController,
    NgsiLdController,
  ],
  providers: [
    {
      provide: LoginThrottle,
      inject: [REDIS, IOC_CONFIG],
      useFactory: (redis: Redis, config: IocConfig) =>
        LoginThrottle.onRedis(redis, config.redis.prefix, config.auth.login),
    },
    LoginService,
  ],
})
export class HttpApiModule {}
