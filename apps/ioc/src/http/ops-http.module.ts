import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { IocExceptionFilter } from './ioc-exception.filter';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard, OpsAccess } from './ops-access';

/**
 * What every process serves over HTTP, whatever its roles: `/health` (its status for anyone; its dependencies and the
 * state of its roles for the metrics token or an admin) and `/metrics` (Prometheus; behind METRICS_TOKEN when set). A
 * process without the api role serves these two alone, on HTTP_PORT. Every failure in every process is answered by
 * IocExceptionFilter.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthService, OpsAccess, MetricsTokenGuard, { provide: APP_FILTER, useClass: IocExceptionFilter }],
})
export class OpsHttpModule {}
