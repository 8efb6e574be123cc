import { Inject, Injectable } from '@nestjs/common';
import { IncidentRepository } from '@ioc/storage';
import { IncidentError } from '../incident.errors';
import type { CapExporter, CapMessage } from './cap.exporter';

export const CAP_EXPORTER = Symbol('CAP_EXPORTER');

/** CAP 1.2 messages of a stored incident, from its timeline. */
@Injectable()
export class CapExportService {
  constructor(
    private readonly repo: IncidentRepository,
    @Inject(CAP_EXPORTER) private readonly exporter: CapExporter,
  ) {}

  /** Alert, then Update / Cancel messages referencing the earlier ones, oldest first. */
  async messages(incidentId: string): Promise<CapMessage[]> {
    const timeline = await this.repo.timeline(incidentId);
    if (timeline.length === 0)
      throw new IncidentError('INCIDENT_NOT_FOUND', `no incident ${incidentId}`, { incidentId });
    return this.exporter.messages(timeline);
  }

  /** The current message of the incident (what a CAP feed publishes for it now). */
  async latest(incidentId: string): Promise<CapMessage> {
    const all = await this.messages(incidentId);
    return all[all.length - 1];
  }
}
