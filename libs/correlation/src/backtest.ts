import type { IncidentSignal, IncidentType, Severity, ZoneRef } from '@ioc/domain';
import { CorrelationEngine, type EngineStats } from './engine';
import { compareEvents, type EngineEvent } from './event';
import type { Rule, RuleSet } from './rule.types';
import type { Topology } from '@ioc/city';

export interface BacktestIncident {
  readonly key: string;
  readonly type: IncidentType;
  readonly ruleId: string;
  readonly zone: ZoneRef;
  readonly raisedAt: number;
  readonly clearedAt?: number;
  readonly clearReason?: string;
  /** Highest severity reached. */
  readonly severity: Severity;
  readonly evidence: number;
  readonly title: { readonly vi: string; readonly en: string };
}

export interface BacktestResult {
  readonly signals: readonly IncidentSignal[];
  /** One entry per raise (a key raised, cleared and raised again appears twice). */
  readonly incidents: readonly BacktestIncident[];
  readonly stats: EngineStats;
}

const RANK: Record<Severity, number> = { minor: 0, moderate: 1, major: 2, critical: 3 };

/**
 * What a rule set would have raised over stored history: the events in [from, to] replayed in event-time order
 * through a fresh engine that starts watching at `from`. All rules run (inhibition and absorption need them);
 * `onlyRules` narrows the report. Pure: the caller reads the history (e.g. `npm run rules:backtest`).
 */
export function backtest(
  rules: RuleSet | readonly Rule[],
  topology: Topology,
  events: readonly EngineEvent[],
  window: { readonly from: number; readonly to: number; readonly onlyRules?: readonly string[] },
): BacktestResult {
  const engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: 0, startAt: window.from });
  const inRange = events.filter((e) => e.ts >= window.from && e.ts <= window.to).sort(compareEvents);
  const signals: IncidentSignal[] = [];
  const STEP = 60_000;
  let i = 0;
  for (let t = window.from; ; t = Math.min(window.to, t + STEP)) {
    const batch: EngineEvent[] = [];
    while (i < inRange.length && inRange[i].ts <= t) batch.push(inRange[i++]);
    engine.push(batch);
    signals.push(...engine.advanceTo(t));
    if (t >= window.to) break;
  }
  const open = new Map<string, { inc: BacktestIncident; severity: Severity; evidence: number }>();
  const incidents: BacktestIncident[] = [];
  const only = window.onlyRules ? new Set(window.onlyRules) : undefined;
  const kept: IncidentSignal[] = [];
  const ruleOf = new Map<string, string>();
  for (const s of signals) {
    if (s.op === 'raise') {
      ruleOf.set(s.key, s.ruleId);
      if (only && !only.has(s.ruleId)) continue;
      const inc: BacktestIncident = {
        key: s.key,
        type: s.type,
        ruleId: s.ruleId,
        zone: s.zone,
        raisedAt: s.at,
        severity: s.severity,
        evidence: s.evidence.length,
        title: s.title,
      };
      incidents.push(inc);
      open.set(s.key, { inc, severity: s.severity, evidence: s.evidence.length });
      kept.push(s);
      continue;
    }
    if (only && !only.has(ruleOf.get(s.key) ?? '')) continue;
    kept.push(s);
    const o = open.get(s.key);
    if (!o) continue;
    const idx = incidents.lastIndexOf(o.inc);
    if (s.op === 'update') {
      if (s.severity && RANK[s.severity] > RANK[o.severity]) o.severity = s.severity;
      o.evidence += s.evidence.length;
      incidents[idx] = o.inc = { ...o.inc, severity: o.severity, evidence: o.evidence };
    } else {
      incidents[idx] = { ...o.inc, clearedAt: s.at, clearReason: s.reason };
      open.delete(s.key);
    }
  }
  return { signals: kept, incidents, stats: engine.stats() };
}
