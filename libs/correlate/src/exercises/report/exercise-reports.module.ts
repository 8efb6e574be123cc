import { Module } from '@nestjs/common';
import { CLOCK, IOC_CONFIG, LOGGER, PdfPrinter, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { ExerciseReportRepository, UserRepository } from '@ioc/storage';
import { loadEscalationPolicy } from '@ioc/incidents';
import { ExerciseService } from '../exercise.service';
import {
  EXERCISE_SCORES,
  ExerciseReportService,
  NO_EXERCISE_SCORES,
  type ExerciseScoresPort,
} from './exercise-report.service';

/** Launching Chromium, loading a report and printing it: each at most this long. */
const PDF_TIMEOUT_MS = 30_000;

/**
 * Exercises' after-action reports, for the api role: the report service, the trainer's review, and the PDF printer
 * (headless Chromium, launched on the first PDF and closed on shutdown). Needs ExercisesModule (global).
 */
@Module({
  providers: [
    { provide: EXERCISE_SCORES, useValue: NO_EXERCISE_SCORES },
    {
      provide: PdfPrinter,
      inject: [IOC_CONFIG, LOGGER],
      useFactory: (config: IocConfig, logger: Logger) =>
        new PdfPrinter(
          { executablePath: config.reports.chromiumPath, timeoutMs: PDF_TIMEOUT_MS },
          logger.child({ component: 'pdf-printer' }),
        ),
    },
    {
      provide: ExerciseReportService,
      inject: [
        ExerciseService,
        ExerciseReportRepository,
        UserRepository,
        EXERCISE_SCORES,
        IOC_CONFIG,
        PdfPrinter,
        CLOCK,
        LOGGER,
      ],
      useFactory: (
        exercises: ExerciseService,
        repo: ExerciseReportRepository,
        users: UserRepository,
        scores: ExerciseScoresPort,
        config: IocConfig,
        printer: PdfPrinter,
        clock: Clock,
        logger: Logger,
      ) =>
        new ExerciseReportService(
          exercises,
          repo,
          users,
          scores,
          loadEscalationPolicy(config.escalation.policyFile),
          printer,
          clock,
          logger.child({ component: 'exercise-reports' }),
        ),
    },
  ],
  exports: [ExerciseReportService],
})
export class ExerciseReportsModule {}
