import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ioc/auth';
import { KpiService } from '@ioc/api';
import { KpiQuerySchema, type KpiQuery } from '@ioc/contracts';
import { ApiZodQuery, ZodPipe } from './zod';

@ApiTags('kpi')
@ApiBearerAuth()
@Controller('api/v1/kpis')
export class KpiController {
  constructor(@Inject(KpiService) private readonly kpis: KpiService) {}

  @Get()
  @Roles('operator', 'supervisor', 'trainer')
  @ApiOperation({
    summary:
      'KPI tiles: active incidents by domain, flood sensors over warning, camera uptime, bins emptied on time, MTTA, MTTR',
  })
  @ApiZodQuery(KpiQuerySchema)
  get(@Query(new ZodPipe(KpiQuerySchema, 'query')) q: KpiQuery) {
    return this.kpis.report(q);
  }
}
