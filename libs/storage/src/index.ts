export { DATABASE, type Database, type TimescaleMode } from './database';
export { openDatabase } from './database.provider';
export { MIGRATIONS_DIR, MIGRATIONS_TABLE, migrate } from './migration.runner';
export { isDataRejection, isTransientDbError } from './db-errors';
export { STORAGE_ERROR_CODES, StorageError, type StorageErrorCode } from './storage.errors';
export { ROLLUP_NAMES, isRollupName, type RollupName, type RollupRow } from './rollups';
export { DeviceRepository } from './device.repository';
export {
  RegistryRepository,
  RegistryTransaction,
  type NewProvisioningKey,
  type NewRegisteredDevice,
  type NewRegisteredGateway,
  type ProvisioningKeyRecord,
  type RegisteredDevice,
  type RegisteredGateway,
} from './registry.repository';
export { QuarantineRepository } from './quarantine.repository';
export { TimeseriesRepository } from './timeseries.repository';
export { ReadingsRepository, type StoredReading } from './readings.repository';
export {
  IncidentRepository,
  IncidentTransaction,
  type IncidentListQuery,
  type StoredIncident,
} from './incident.repository';
export { IncidentNotificationRepository, type NewIncidentNotification } from './incident-notification.repository';
export { IncidentFeedRepository, type IncidentFeedRecord } from './incident-feed.repository';
export { RawMessageRepository, type RawMessageCursor } from './raw-message.repository';
export { SilenceRepository, type SilenceRecord } from './silence.repository';
export {
  SignalDeadLetterRepository,
  type SignalDeadLetter,
  type StoredSignalDeadLetter,
} from './signal-dead-letter.repository';
export {
  ExerciseRepository,
  type ExerciseRecord,
  type RecordingBatch,
  type RecordingImportRefusal,
  type RecordingRecord,
} from './exercise.repository';
export {
  ExerciseInjectRepository,
  type ExerciseInjectRecord,
  type ExerciseScriptRecord,
  type InjectableExercise,
  type PlannedInject,
} from './exercise-inject.repository';
export { ExerciseReportRepository, type ExerciseReviewRecord } from './exercise-report.repository';
export { ExerciseTraineeRepository, type ExerciseTraineeRecord } from './exercise-trainee.repository';
export { MaintenanceService } from './maintenance.service';
export { UserRepository, type NewUser, type StoredUser, type UserChanges } from './user.repository';
export { FieldReportRepository, toFieldReport, type FieldReportRecord } from './field-report.repository';
export { KpiRepository } from './kpi.repository';
export { StorageModule } from './storage.module';
export {
  IngestRepository,
  ingestRepositoryOptionsFor,
  type IngestBatch,
  type IngestCommitResult,
  type NewDevice,
} from './ingest.repository';
