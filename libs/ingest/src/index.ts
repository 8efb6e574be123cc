export { IngestService, type DirectoryLoader } from './ingest.service';
export {
  DeviceDirectory,
  type DirectoryDevice,
  type DirectoryGateway,
  type DirectorySnapshot,
} from './device-directory';
export { IngestModule } from './ingest.module';
export { INGEST_ERROR_CODES, IngestError, type IngestErrorCode } from './ingest.errors';
