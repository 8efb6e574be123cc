import { Injectable } from '@nestjs/common';
import { ExerciseAccessService, IncidentService, inScope, type IncidentDetail, type Viewer } from '@ioc/incidents';
import type { IncidentListQueryDto } from '@ioc/contracts';
import type { IncidentDomain, StoredIncidentEvent } from '@ioc/domain';
import { IncidentRepository, UserRepository, type StoredIncident } from '@ioc/storage';

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

export interface IncidentEventPage {
  readonly events: readonly StoredIncidentEvent[];
  /** The last seq read (also when the viewer may not see it): resume from here. */
  readonly lastSeq: number;
  readonly more: boolean;
}

/**
 * The console's reads of incidents: pages with an opaque cursor, detail with the names of who acted. A trainee (an
 * operator) sees the exercise incidents of their own exercises only (ExerciseAccessService); live ones as before.
 */
@Injectable()
export class IncidentQueryService {
  constructor(
    private readonly incidents: IncidentService,
    private readonly users: UserRepository,
    private readonly access: ExerciseAccessService,
    private readonly repo: IncidentRepository,
  ) {}

  async list(q: IncidentListQueryDto, viewer: Viewer): Promise<IncidentPage> {
    const [openedAt, id] = q.cursor ? q.cursor.split('_') : [];
    const scope = q.exercise ? await this.access.scopeOf(viewer) : undefined;
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
      keyPrefixes: scope && !scope.all ? scope.keyPrefixes : undefined,
    });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === q.limit && last ? `${last.openedAt}_${last.id}` : null };
  }

  async get(id: string, viewer: Viewer): Promise<IncidentDetailView> {
    const detail = await this.incidents.get(id);
    await this.access.assertIncident(viewer, detail.incident);
    const actors: Record<string, { username: string; displayName: string; role: string }> = {};
    for (const [userId, u] of await this.users.findByIds(detail.timeline.map((e) => e.actor))) {
      actors[userId] = { username: u.username, displayName: u.displayName, role: u.role };
    }
    return { ...detail, actors };
  }

  /** EXERCISE_NOT_ASSIGNED (INCIDENT_NOT_FOUND) unless the viewer may see the incident (its CAP message, …). */
  async assertVisible(id: string, viewer: Viewer): Promise<void> {
    if (!this.access.restricted(viewer.role)) return;
    const incident = await this.repo.findById(id);
    if (incident) await this.access.assertIncident(viewer, incident);
  }

  /**
   * Events committed after `afterSeq` (resume after a reconnect). A trainee's page leaves out the events of other
   * exercises' incidents; `lastSeq` is still the last read, so the next page goes on from there.
   */
  async eventsSince(afterSeq: number, limit: number, viewer: Viewer): Promise<IncidentEventPage> {
    const read = await this.incidents.eventsSince(afterSeq, limit);
    const page = {
      lastSeq: read.length ? read[read.length - 1].seq : afterSeq,
      more: read.length === limit,
    };
    if (!this.access.restricted(viewer.role)) return { events: read, ...page };
    const keys = await this.repo.exerciseKeysOf(read.map((e) => e.incidentId));
    if (keys.size === 0) return { events: read, ...page };
    const scope = await this.access.scopeOf(viewer);
    const events = read.filter((e) => {
      const key = keys.get(e.incidentId);
      return key === undefined || inScope(scope, { key, exercise: true });
    });
    return { events, ...page };
  }
}
