import { Module } from '@nestjs/common';
import { IncidentChangeFanout } from './incident-change.fanout';
import { IncidentCommandService } from './incident-commands.service';
import { IncidentsModule } from './incidents.module';

/** Operator commands for the api role, and the fan-out of committed incident changes (also used by the correlate role). Needs EscalationModule and QueueModule (both global). */
@Module({
  imports: [IncidentsModule],
  providers: [IncidentCommandService, IncidentChangeFanout],
  exports: [IncidentCommandService, IncidentChangeFanout, IncidentsModule],
})
export class IncidentCommandsModule {}
