import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule, UsersModule } from '@ioc/auth';
import { IncidentCommandsModule } from '@ioc/incidents';
import { ApiServicesModule } from '@ioc/api';
import { RealtimeModule } from '@ioc/realtime';
import { RegistryModule } from '@ioc/registry';
import { AuthController } from './auth.controller';
import { DevicesController } from './devices.controller';
import { FieldReportsController } from './field-reports.controller';
import { SilencesController } from './silences.controller';
import { ExercisesController, RecordingsController } from './exercises.controller';
import { IncidentsController } from './incidents.controller';
import { IngestApiController } from './ingest-api.controller';
import { IocExceptionFilter } from './ioc-exception.filter';
import { KpiController } from './kpi.controller';
import { RegistryController } from './registry.controller';
import { UsersController } from './users.controller';

/**
 * The api role's HTTP edge: thin controllers over the services of libs; every route authenticated (global guard of
 * UsersModule) unless @Public(); every failure answered by IocExceptionFilter with a code. `/health` and `/metrics`
 * are every process's (OpsHttpModule).
 */
@Module({
  imports: [AuthModule, UsersModule, IncidentCommandsModule, ApiServicesModule, RealtimeModule, RegistryModule],
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
    IngestApiController,
    RegistryController,
  ],
  providers: [{ provide: APP_FILTER, useClass: IocExceptionFilter }],
})
export class HttpApiModule {}
