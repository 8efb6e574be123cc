import { Module } from '@nestjs/common';
import { TOPOLOGY } from '@ioc/city';
import { RULES } from '@ioc/correlation';
import { IncidentsModule } from '@ioc/incidents';
import { API_CITY, apiCityFrom } from './city';
import { DeviceQueryService } from './device-query.service';
import { FieldReportService } from './field-report.service';
import { IncidentQueryService } from './incident-query.service';
import { KpiService } from './kpi.service';
import { SilenceService } from './silence.service';

/** The api role's read models and intake: incidents, devices, KPIs, field reports. Needs StorageModule, QueueModule, PlatformModule. */
@Module({
  imports: [IncidentsModule],
  providers: [
    IncidentQueryService,
    { provide: API_CITY, inject: [TOPOLOGY, RULES], useFactory: apiCityFrom },
    DeviceQueryService,
    KpiService,
    FieldReportService,
    SilenceService,
  ],
  exports: [IncidentQueryService, DeviceQueryService, KpiService, FieldReportService, SilenceService, API_CITY],
})
export class ApiServicesModule {}
