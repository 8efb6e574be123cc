import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';

/**
 * What every process serves over HTTP, whatever its roles: `/health` (its dependencies and the state of its roles, for
 * orchestrators) and `/metrics` (Prometheus). A process without the api role serves these two alone, on HTTP_PORT;
 * both are public, as in the api role.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthService],
})
export class OpsHttpModule {}
