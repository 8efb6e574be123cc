import { Injectable } from '@nestjs/common';
import { IncidentService, type IncidentDetail } from '@ioc/incidents';
import type { IncidentListQueryDto } from '@ioc/contracts';
import type { IncidentDomain } from '@ioc/domain';
import { UserRepository, type StoredIncident } from '@ioc/storage';

export interface IncidentPage {
  readonly items: readonly StoredIncident[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  readonly nextCursor: string | null;
}

export interface IncidentDetailView extends IncidentDetail {
  /** The users named in the timeline (actors), for display: user id → name and role. */
  readonly actors: Readonly<
    Record<string, { readonly username: string; readonly displayName: string; readonly role: string }>
  >;
}

/** The console's reads of incidents: pages with an opaque cursor, detail with the names of who acted. */
@Injectable()
export class IncidentQueryService {
  constructor(
    private readonly incidents: IncidentService,
    private readonly users: UserRepository,
  ) {}

  async list(q: IncidentListQueryDto): Promise<IncidentPage> {
    const [openedAt, id] = q.cursor ? q.cursor.split('_') : [];
    const items = await this.incidents.list({
      states: q.state,
      severities: q.severity,
      types: q.type,
      domains: q.domain as IncidentDomain[] | undefined,
      // `ward` is the ward zone (an incident of a catchment or a site keeps its own zone).
      zoneKind: q.ward ? 'ward' : q.zoneKind,
      zoneId: q.ward ?? q.zoneId,
      exercise: q.exercise,
      from: q.from?.getTime(),
      to: q.to?.getTime(),
      limit: q.limit,
      before: q.cursor ? { openedAt: Number(openedAt), id } : undefined,
    });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === q.limit && last ? `${last.openedAt}_${last.id}` : null };
  }

  async get(id: string): Promise<IncidentDetailView> {
    const detail = await this.incidents.get(id);
    const actors: Record<string, { username: string; displayName: string; role: string }> = {};
    for (const [userId, u] of await this.users.findByIds(detail.timeline.map((e) => e.actor))) {
      actors[userId] = { username: u.username, displayName: u.displayName, role: u.role };
    }
    return { ...detail, actors };
  }
}
