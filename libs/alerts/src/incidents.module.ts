import { Module } from '@nestjs/common';
import { IncidentRepository } from '@ioc/storage';
import { CAP_EXPORTER, CapExportService } from './cap/cap-export.service';
import { CapExporter } from './cap/cap.exporter';
import { loadCityModel, ZoneAreas } from './cap/zone-areas';
import { IncidentService, SOP_CATALOG } from './incident.service';
import { loadSopCatalog, type SopCatalog } from './sop/sop.catalog';

/**
 * The incident lifecycle: IncidentService over IncidentRepository, with the SOPs of `seeds/sops` (validated at boot:
 * a broken SOP file stops the start), and CAP 1.2 export over the city model of `seeds/city`.
 * Needs StorageModule (DATABASE) and PlatformModule (CLOCK, LOGGER).
 */
@Module({
  providers: [
    IncidentRepository,
    { provide: SOP_CATALOG, useFactory: () => loadSopCatalog() },
    { provide: CAP_EXPORTER, inject: [SOP_CATALOG], useFactory: (sops: SopCatalog) => new CapExporter(sops, new ZoneAreas(loadCityModel())) },
    IncidentService,
    CapExportService,
  ],
  exports: [IncidentService, IncidentRepository, CapExportService, SOP_CATALOG],
})
export class IncidentsModule {}
