export { IngestService } from './ingest.service';
export { IngestModule } from './ingest.module';
