import { Module } from '@nestjs/common';
import { IncidentCommandService } from './incident-commands.service';
import { IncidentsModule } from './incidents.module';

/** Operator commands for the api role. Needs EscalationModule and QueueModule (both global). */
@Module({
  imports: [IncidentsModule],
  providers: [IncidentCommandService],
  exports: [IncidentCommandService, IncidentsModule],
})
export class IncidentCommandsModule {}
