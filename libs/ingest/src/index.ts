export { IngestService } from './ingest.service';
export { IngestModule } from './ingest.module';
export { INGEST_ERROR_CODES, IngestError, type IngestErrorCode } from './ingest.errors';
