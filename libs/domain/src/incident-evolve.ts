import { maxSeverity, type Evidence, type IncidentState, type Severity } from './incident';
import { INCIDENT_EVIDENCE_KEPT, type IncidentEvent, type IncidentRecord } from './incident-lifecycle';

function keepEvidence(existing: readonly Evidence[], added: readonly Evidence[]): Evidence[] {
  const all = [...existing, ...added];
  return all.length > INCIDENT_EVIDENCE_KEPT ? all.slice(all.length - INCIDENT_EVIDENCE_KEPT) : all;
}

/** The state each lifecycle event leads to; the events absent here leave it as it is. */
const NEXT_STATE: Partial<Record<IncidentEvent['type'], IncidentState>> = {
  acknowledged: 'acknowledged',
  assigned: 'assigned',
  resolved: 'resolved',
  reopened: 'open',
  closed: 'closed',
};

/**
 * What one later event (not `opened`) does to an incident's state and severity: the part of `evolve` that a summary
 * (the real-time feed's) keeps, so the two cannot drift apart. Severity only rises.
 */
export function evolveStatus<S extends { readonly state: IncidentState; readonly severity: Severity }>(
  s: S,
  event: IncidentEvent,
): S {
  if (event.type === 'severity-raised') return { ...s, severity: maxSeverity(s.severity, event.data.to) };
  const state = NEXT_STATE[event.type];
  return state ? { ...s, state } : s;
}

/**
 * The incident record after one more of its events: the lifecycle's fold, shared by the server (decider, CAP export)
 * and the console (its live records), so both see an incident the same way. Pure.
 */
export function evolve(state: IncidentRecord | undefined, event: IncidentEvent): IncidentRecord {
  if (event.type === 'opened') {
    const d = event.data;
    return {
      id: event.incidentId,
      key: d.key,
      type: d.incidentType,
      ruleId: d.ruleId,
      zone: d.zone,
      severity: d.severity,
      state: 'open',
      exercise: d.exercise,
      title: d.title,
      openedAt: event.at,
      escalationLevel: 0,
      reopenCount: 0,
      evidence: keepEvidence([], d.evidence),
      evidenceCount: d.evidence.length,
      absorbs: d.absorbs,
      ...(d.sop && { sop: d.sop }),
      sopDone: [],
      version: 1,
    };
  }
  if (!state || state.id !== event.incidentId)
    throw new Error(`event ${event.type} for ${event.incidentId} applied to ${state?.id ?? 'nothing'}`);
  const s = evolveStatus({ ...state, version: state.version + 1 }, event);
  switch (event.type) {
    case 'evidence-added':
      return {
        ...s,
        evidence: keepEvidence(s.evidence, event.data.evidence),
        evidenceCount: s.evidenceCount + event.data.evidence.length,
        absorbs: event.data.absorbs ? [...s.absorbs, ...event.data.absorbs] : s.absorbs,
      };
    case 'severity-raised':
    case 'commented':
      return s;
    case 'acknowledged':
      return { ...s, acknowledgedAt: event.at, acknowledgedBy: event.actor };
    case 'assigned':
      return { ...s, assignee: event.data.assignee, assignedAt: event.at };
    case 'resolved':
      return { ...s, resolvedAt: event.at, resolvedBy: event.actor, resolution: event.data.reason };
    case 'reopened': {
      // Back to open: someone must acknowledge again; who held it before stays in the audit trail.
      const {
        resolvedAt: _r,
        resolvedBy: _b,
        resolution: _n,
        acknowledgedAt: _a,
        acknowledgedBy: _ab,
        assignee: _as,
        assignedAt: _aa,
        ...rest
      } = s;
      // The escalation level is kept: notifications are once per (incident, level) over the incident's whole life.
      return { ...rest, reopenCount: s.reopenCount + 1 };
    }
    case 'closed':
      return { ...s, closedAt: event.at, closedBy: event.actor };
    case 'escalated':
      return { ...s, escalationLevel: Math.max(s.escalationLevel, event.data.level) };
    case 'sop-step-completed':
      return {
        ...s,
        sopDone: [
          ...s.sopDone,
          {
            stepId: event.data.stepId,
            at: event.at,
            by: event.actor,
            ...(event.data.note && { note: event.data.note }),
          },
        ],
      };
  }
}
