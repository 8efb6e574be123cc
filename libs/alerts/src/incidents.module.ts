import { Module } from '@nestjs/common';
import { IncidentRepository } from '@ioc/storage';
import { IncidentService, SOP_CATALOG } from './incident.service';
import { loadSopCatalog } from './sop/sop.catalog';

/**
 * The incident lifecycle: IncidentService over IncidentRepository, with the SOPs of `seeds/sops` (validated at boot:
 * a broken SOP file stops the start). Needs StorageModule (DATABASE) and PlatformModule (CLOCK, LOGGER).
 */
@Module({
  providers: [IncidentRepository, { provide: SOP_CATALOG, useFactory: () => loadSopCatalog() }, IncidentService],
  exports: [IncidentService, SOP_CATALOG],
})
export class IncidentsModule {}
