import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { IncidentRepository } from '@ioc/storage';
import { CAP_EXPORTER, CapExportService } from './cap/cap-export.service';
import { CapExporter } from './cap/cap.exporter';
import { loadCityModel, ZoneAreas } from './cap/zone-areas';
import { IncidentService, SOP_CATALOG } from './incident.service';
import { CitySeedsModule } from './city-seeds.module';
import { loadSopCatalog, type SopCatalog } from './sop/sop.catalog';

/**
 * The incident lifecycle: IncidentService over IncidentRepository, with the SOPs of `seeds/sops` (validated at boot:
 * a broken SOP file stops the start), and CAP 1.2 export over the city model of `seeds/city` (both under
 * IOC_SEEDS_DIR when it is set).
 * Needs StorageModule (DATABASE) and PlatformModule (IOC_CONFIG, CLOCK, LOGGER).
 */
@Module({
  imports: [CitySeedsModule],
  providers: [
    IncidentRepository,
    // IOC_SEEDS_DIR, when set, holds the SOPs and the city model like the rules.
    { provide: SOP_CATALOG, inject: [IOC_CONFIG], useFactory: (c: IocConfig) => loadSopCatalog(c.correlation.seedsDir && path.join(c.correlation.seedsDir, 'sops')) },
    {
      provide: CAP_EXPORTER,
      inject: [SOP_CATALOG, IOC_CONFIG],
      useFactory: (sops: SopCatalog, c: IocConfig) => new CapExporter(sops, new ZoneAreas(loadCityModel(c.correlation.seedsDir))),
    },
    IncidentService,
    CapExportService,
  ],
  exports: [IncidentService, IncidentRepository, CapExportService, SOP_CATALOG, CitySeedsModule],
})
export class IncidentsModule {}
