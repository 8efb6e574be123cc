import { Public } from '@ioc/auth';
import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Headers, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService, type HealthReport } from './health.service';
import { OpsAccess } from './ops-access';

/** What anyone may know: whether the process is healthy (the status code says as much). */
export type PublicHealth = Pick<HealthReport, 'status'>;

@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(OpsAccess) private readonly access: OpsAccess,
  ) {}

  /**
   * 200 when every dependency answers, 503 otherwise. The body says which, to the metrics token or an admin's token;
   * to anyone else only the status (dependency errors and counters are no stranger's business).
   */
  @Get()
  @HttpCode(200)
  async get(
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthReport | PublicHealth> {
    const report = await this.health.check();
    if (report.status !== 'ok') res.status(503);
    return (await this.access.maySeeDetail(headers)) ? report : { status: report.status };
  }
}
