import { Public } from '@ioc/auth';
import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@ioc/platform';
import { MetricsTokenGuard } from './ops-access';

/** No user token (@Public); the metrics token instead when METRICS_TOKEN is set. */
@Public()
@UseGuards(MetricsTokenGuard)
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** Prometheus text format: this process's metrics (every process serves its own, whatever its roles). */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
