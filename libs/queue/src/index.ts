export { REDIS, createRedis } from './redis.provider';
export type { StreamEntry } from './batch-stream';
export { DeviceMessageStream } from './event-stream';
export { IncidentEventStream } from './incident-event-stream';
export { AcceptedMessageTap, FieldReportTap, IncidentEventTap, RegistryChangeTap } from './in-process-tap';
export { JobRunner, type JobHandler, type JobHandlers, type WorkerTuning } from './job-runner';
export { QueueModule } from './queue.module';
export { RedisStreamNotifier } from './notification-stream';
export { FieldReportStream } from './field-report-stream';
