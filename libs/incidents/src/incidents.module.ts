import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { CITY, type City } from '@ioc/city';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { ExerciseTraineeRepository, IncidentRepository } from '@ioc/storage';
import { CAP_EXPORTER, CapExportService } from './cap/cap-export.service';
import { CapExporter } from './cap/cap.exporter';
import { ZoneAreas } from './cap/zone-areas';
import { ExerciseAccessService } from './exercise-access/exercise-access.service';
import { IncidentService, SOP_CATALOG } from './incident.service';
import { loadSopCatalog, type SopCatalog } from './sop/sop.catalog';

/**
 * The incident lifecycle: IncidentService over IncidentRepository, with the SOPs of `seeds/sops` (validated at boot:
 * a broken SOP file stops the start; under IOC_SEEDS_DIR when it is set), and CAP 1.2 export over the city model.
 * Needs StorageModule (DATABASE), PlatformModule (IOC_CONFIG, CLOCK, LOGGER) and the city (CITY, provided once by the
 * application).
 */
@Module({
  providers: [
    IncidentRepository,
    // IOC_SEEDS_DIR, when set, holds the SOPs like the city model and the rules.
    {
      provide: SOP_CATALOG,
      inject: [IOC_CONFIG],
      useFactory: (c: IocConfig) => loadSopCatalog(c.correlation.seedsDir && path.join(c.correlation.seedsDir, 'sops')),
    },
    {
      provide: CAP_EXPORTER,
      inject: [SOP_CATALOG, CITY],
      useFactory: (sops: SopCatalog, city: City) => new CapExporter(sops, new ZoneAreas(city)),
    },
    IncidentService,
    CapExportService,
    ExerciseTraineeRepository,
    ExerciseAccessService,
  ],
  exports: [
    IncidentService,
    IncidentRepository,
    CapExportService,
    SOP_CATALOG,
    ExerciseTraineeRepository,
    ExerciseAccessService,
  ],
})
export class IncidentsModule {}
