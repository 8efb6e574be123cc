import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import { FieldReportService } from '@ioc/api';
import {
  FieldReportListQuerySchema,
  FieldReportRequestSchema,
  type FieldReportListQuery,
  type FieldReportRequest,
} from '@ioc/contracts';
import { ApiUuidParam, ApiZodBody, ApiZodQuery, uuidPipe, ZodPipe } from './zod';

/** Field reports (phản ánh hiện trường): taken by operators and supervisors, evidence for the correlation engine. */
@ApiTags('field-reports')
@ApiBearerAuth()
@Controller('api/v1/field-reports')
export class FieldReportsController {
  constructor(@Inject(FieldReportService) private readonly reports: FieldReportService) {}

  @Post()
  @Roles('operator', 'supervisor')
  @ApiOperation({ summary: 'Take a field report: stored, then handed to the correlation engine as evidence' })
  @ApiZodBody(FieldReportRequestSchema)
  submit(
    @Body(new ZodPipe(FieldReportRequestSchema, 'field report')) body: FieldReportRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.reports.submit(body, p.userId);
  }

  @Get()
  @Roles('operator', 'supervisor', 'trainer')
  @ApiOperation({ summary: 'Field reports, newest first' })
  @ApiZodQuery(FieldReportListQuerySchema)
  list(@Query(new ZodPipe(FieldReportListQuerySchema, 'query')) q: FieldReportListQuery) {
    return this.reports.list(q);
  }

  @Get(':id')
  @Roles('operator', 'supervisor', 'trainer')
  @ApiUuidParam()
  get(@Param('id', uuidPipe()) id: string) {
    return this.reports.get(id);
  }
}
