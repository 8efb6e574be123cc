import { Public } from '@ioc/auth';
import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService, type HealthReport } from './health.service';

@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** 200 when every dependency answers, 503 otherwise; the body says which. */
  @Get()
  @HttpCode(200)
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    if (report.status !== 'ok') res.status(503);
    return report;
  }
}
