export * from './redis.provider';
export * from './event-stream';
export * from './incident-event-stream';
export * from './in-process-tap';
export * from './job-runner';
export * from './queue.module';
export * from './notification-stream';
export * from './field-report-stream';
