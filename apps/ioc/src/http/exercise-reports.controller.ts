import type { Response } from 'express';
import { Body, Controller, Get, Inject, Param, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import { ExerciseReportService, REPORT_PAGE_CSP } from '@ioc/correlate';
import {
  EXERCISE_WRITE_ROLES,
  ExerciseReportQuerySchema,
  ExerciseReviewRequestSchema,
  type ExerciseReportQuery,
  type ExerciseReviewRequest,
} from '@ioc/contracts';
import { ApiUuidParam, ApiZodBody, ApiZodQuery, uuidPipe, ZodPipe } from './zod';

/**
 * The after-action report of an ended exercise (HSEEP's AAR/IP), for trainers and supervisors: the JSON, the page
 * (vi or en) and its PDF, and the trainer's review that goes into it.
 */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/exercises')
export class ExerciseReportsController {
  constructor(@Inject(ExerciseReportService) private readonly reports: ExerciseReportService) {}

  @Put(':id/review')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      "The trainer's review of an ended exercise: what went well, what to improve (replaced); 409 EXERCISE_NOT_ENDED while it runs",
  })
  @ApiZodBody(ExerciseReviewRequestSchema)
  @ApiUuidParam()
  review(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ExerciseReviewRequestSchema, 'review')) body: ExerciseReviewRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.reports.saveReview(id, body, p.userId);
  }

  @Get(':id/report')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'The after-action report (JSON, language-independent): scenario, timeline, SOP compliance, escalations, scores, review; 409 EXERCISE_NOT_ENDED while it runs',
  })
  @ApiUuidParam()
  report(@Param('id', uuidPipe()) id: string) {
    return this.reports.report(id);
  }

  @Get(':id/report.html')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'The after-action report as a self-contained, printable HTML page (no script), vi or en' })
  @ApiProduces('text/html')
  @ApiZodQuery(ExerciseReportQuerySchema)
  @ApiUuidParam()
  async html(
    @Param('id', uuidPipe()) id: string,
    @Query(new ZodPipe(ExerciseReportQuerySchema, 'query')) q: ExerciseReportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const html = await this.reports.html(id, q.lang);
    // Stricter than the console's policy: the page has no script at all, one hashed <style>, inline SVG.
    res.setHeader('Content-Security-Policy', REPORT_PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html; charset=utf-8');
    return html;
  }

  @Get(':id/report.pdf')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'The after-action report printed to PDF (A4) by headless Chromium; 503 REPORT_PDF_UNAVAILABLE without a browser (Debian package chromium)',
  })
  @ApiProduces('application/pdf')
  @ApiZodQuery(ExerciseReportQuerySchema)
  @ApiUuidParam()
  async pdf(
    @Param('id', uuidPipe()) id: string,
    @Query(new ZodPipe(ExerciseReportQuerySchema, 'query')) q: ExerciseReportQuery,
  ): Promise<StreamableFile> {
    const pdf = await this.reports.pdf(id, q.lang);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="after-action-report-${id.slice(0, 8)}-${q.lang}.pdf"`,
      length: pdf.length,
    });
  }
}
