export * from './exercise.service';
export * from './exercise-runner';
export * from './exercises.module';
