export { CorrelationService } from './correlation.service';
export { CorrelationModule } from './correlation.module';
export { runBacktest } from './backtest.command';
export { EXERCISE_ERROR_CODES, ExerciseError, type ExerciseErrorCode } from './exercises/exercise.errors';
export { ExerciseService } from './exercises/exercise.service';
export { ExerciseInjectService } from './exercises/exercise-inject.service';
export { ExerciseScoringService, SCORING_RULES } from './exercises/exercise-scoring.service';
export { ExerciseTraineesService } from './exercises/exercise-trainees.service';
export { RecordingFileService, type RecordingExport } from './exercises/recording-file.service';
export { ExercisesModule } from './exercises/exercises.module';
export { buildExerciseReport, type ExerciseReportInput } from './exercises/report/exercise-report.builder';
export {
  REPORT_CSS,
  REPORT_PAGE_CSP,
  REPORT_STYLE_CSP_SOURCE,
  escapeHtml,
  renderReportHtml,
} from './exercises/report/exercise-report.html';
export {
  EXERCISE_SCORES,
  ExerciseReportService,
  type ExerciseScoresPort,
} from './exercises/report/exercise-report.service';
export { ExerciseReportsModule } from './exercises/report/exercise-reports.module';
export {
  EXERCISE_RUNNER_DEFAULTS,
  ExerciseRunner,
  RecordingCursor,
  type AppliedDecision,
  type ExerciseRunnerOptions,
} from './exercises/exercise-runner';
