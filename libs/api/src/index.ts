export * from './city';
export * from './kpi';
export * from './kpi.service';
export * from './device-query.service';
export * from './field-report.service';
export * from './api-services.module';
export * from './incident-query.service';
export * from './silence.service';
