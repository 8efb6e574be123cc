import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSeedsDir } from '@ioc/city';
import type { IncidentRecord, IncidentType, SopOwnerRole } from '@ioc/domain';
import { IncidentError } from '../incident.errors';
import { parseSop, type Sop } from './sop.schema';

/** The SOPs in force, one per incident type. */
export class SopCatalog {
  private readonly byType = new Map<IncidentType, Sop>();

  constructor(sops: readonly Sop[]) {
    for (const sop of sops) {
      const other = this.byType.get(sop.incidentType);
      if (other)
        throw new IncidentError('SOP_INVALID', `two SOPs for ${sop.incidentType}: ${other.id} and ${sop.id}`, {
          type: sop.incidentType,
        });
      this.byType.set(sop.incidentType, sop);
    }
  }

  forType(type: IncidentType): Sop | undefined {
    return this.byType.get(type);
  }

  require(type: IncidentType): Sop {
    const sop = this.byType.get(type);
    if (!sop) throw new IncidentError('SOP_NOT_FOUND', `no SOP for incident type ${type}`, { type });
    return sop;
  }

  types(): IncidentType[] {
    return [...this.byType.keys()].sort();
  }
}

/** `seeds/sops` of the installation (found upwards from here, so it holds for src/ under jest and for dist/). */
export function defaultSopDir(): string {
  return path.join(findSeedsDir(), 'sops');
}

/** Reads and validates every `<incident-type>.yaml` in dir; the file name must be the SOP's incident type. */
export function loadSopCatalog(dir = defaultSopDir()): SopCatalog {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const sops = files.map((f) => {
    const sop = parseSop(readFileSync(path.join(dir, f), 'utf8'), f);
    const expected = f.replace(/\.ya?ml$/, '');
    if (sop.incidentType !== expected)
      throw new IncidentError('SOP_INVALID', `${f}: incidentType ${sop.incidentType} does not match the file name`, {
        source: f,
      });
    return sop;
  });
  return new SopCatalog(sops);
}

export interface SopStepProgress {
  readonly id: string;
  readonly owner: SopOwnerRole;
  readonly dueAt: number;
  readonly doneAt?: number;
  readonly doneBy?: string;
  /** Not done and past due at the time asked. */
  readonly overdue: boolean;
}

/** Each step of the incident's SOP with its due time (from opening) and whether it is overdue at `now` (injected). */
export function sopProgress(incident: IncidentRecord, now: number): SopStepProgress[] {
  if (!incident.sop) return [];
  return incident.sop.steps.map((step) => {
    const done = incident.sopDone.find((d) => d.stepId === step.id);
    const dueAt = incident.openedAt + step.dueWithinMin * 60_000;
    return {
      id: step.id,
      owner: step.owner,
      dueAt,
      ...(done && { doneAt: done.at, doneBy: done.by }),
      // A closed incident has nothing left to chase.
      overdue: !done && incident.state !== 'closed' && now > dueAt,
    };
  });
}
