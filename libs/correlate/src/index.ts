export { CorrelationService } from './correlation.service';
export { CorrelationModule } from './correlation.module';
export { runBacktest } from './backtest.command';
export { ExerciseService } from './exercises/exercise.service';
export { ExercisesModule } from './exercises/exercises.module';
