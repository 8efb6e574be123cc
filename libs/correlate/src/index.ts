export { CorrelationService } from './correlation.service';
export { CorrelationModule } from './correlation.module';
export { runBacktest } from './backtest.command';
export { EXERCISE_ERROR_CODES, ExerciseError, type ExerciseErrorCode } from './exercises/exercise.errors';
export { ExerciseService } from './exercises/exercise.service';
export { ExerciseInjectService } from './exercises/exercise-inject.service';
export { fileNameOf, RecordingFileService, type RecordingExport } from './exercises/recording-file.service';
export { ExercisesModule } from './exercises/exercises.module';
