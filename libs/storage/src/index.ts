export * from './database';
export * from './database.provider';
export * from './migration.runner';
export * from './db-errors';
export * from './statement-size';
export * from './rollups';
export * from './device.repository';
export * from './quarantine.repository';
export * from './timeseries.repository';
export * from './readings.repository';
export * from './incident.repository';
export * from './incident-notification.repository';
export * from './incident-feed.repository';
export * from './raw-message.repository';
export * from './maintenance.service';
export * from './storage.module';
// Written by the ingest side against the tables of the migrations.
export * from './ingest.repository';
