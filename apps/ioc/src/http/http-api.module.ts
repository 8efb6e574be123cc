import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { IngestApiController } from './ingest-api.controller';
import { MetricsController } from './metrics.controller';

/** The api role's HTTP edge. */
@Module({ controllers: [HealthController, IngestApiController, MetricsController], providers: [HealthService] })
export class HttpApiModule {}
