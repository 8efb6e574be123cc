export { KpiService } from './kpi.service';
export { DeviceQueryService } from './device-query.service';
export { FieldReportService } from './field-report.service';
export { ApiServicesModule } from './api-services.module';
export { IncidentQueryService } from './incident-query.service';
export { SilenceService } from './silence.service';
export { API_SERVICE_ERROR_CODES, ApiServiceError, type ApiServiceErrorCode } from './api.errors';
