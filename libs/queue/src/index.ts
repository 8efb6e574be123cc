export * from './redis.provider';
export * from './event-stream';
export * from './job-runner';
export * from './queue.module';
