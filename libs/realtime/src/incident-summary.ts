import type { IncidentSummary } from '@ioc/contracts';
import { evolveStatus, incidentDomainOf, type StoredIncidentEvent } from '@ioc/domain';
import type { IncidentFeedRecord } from '@ioc/storage';
import type { WardIndex } from '@ioc/city';

export function summaryFromRecord(r: IncidentFeedRecord, wards: WardIndex): IncidentSummary {
  return {
    id: r.id,
    key: r.key,
    type: r.type,
    domain: incidentDomainOf(r.type),
    zone: r.zone,
    wards: wards.wardsOf(r.zone),
    severity: r.severity,
    state: r.state,
    title: r.title,
    exercise: r.exercise,
  };
}

/**
 * The summary after one more event of its incident (the lifecycle's `evolveStatus`: the summary's fields of `evolve`).
 * `opened` builds it from scratch; other events need the summary before them.
 */
export function evolveSummary(
  s: IncidentSummary | undefined,
  e: StoredIncidentEvent,
  wards: WardIndex,
): IncidentSummary | undefined {
  if (e.type === 'opened') {
    const d = e.data;
    return {
      id: e.incidentId,
      key: d.key,
      type: d.incidentType,
      domain: incidentDomainOf(d.incidentType),
      zone: d.zone,
      wards: wards.wardsOf(d.zone),
      severity: d.severity,
      state: 'open',
      title: d.title,
      exercise: d.exercise,
    };
  }
  return s && evolveStatus(s, e);
}
