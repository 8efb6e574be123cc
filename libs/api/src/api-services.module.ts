import { Module } from '@nestjs/common';
import { CITY_SEEDS, IncidentsModule, type CitySeeds } from '@ioc/incidents';
import { CITY, cityFrom } from './city';
import { DeviceQueryService } from './device-query.service';
import { FieldReportService } from './field-report.service';
import { IncidentQueryService } from './incident-query.service';
import { KpiService } from './kpi.service';
import { SilenceService } from './silence.service';

/** The api role's read models and intake: incidents, devices, KPIs, field reports. Needs StorageModule, QueueModule, PlatformModule. */
@Module({
  imports: [IncidentsModule],
  providers: [IncidentQueryService, { provide: CITY, inject: [CITY_SEEDS], useFactory: cityFrom }, DeviceQueryService, KpiService, FieldReportService, SilenceService],
  exports: [IncidentQueryService, DeviceQueryService, KpiService, FieldReportService, SilenceService, CITY],
})
export class ApiServicesModule {}
