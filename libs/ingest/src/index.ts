export * from './message-decoder';
export * from './group-committer';
export * from './device-directory';
export * from './ingest-pipeline';
export * from './mqtt-connector';
export * from './mqtt-ingest.service';
export * from './ingest.service';
export * from './ingest.module';
