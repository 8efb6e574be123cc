import type { Topology } from '@ioc/city';
import {
  CorrelationEngine,
  type EngineEvent,
  type EngineStats,
  type Rule,
  type RuleSet,
  type Silence,
} from '@ioc/correlation';
import type { Evidence, IncidentSignal } from '@ioc/domain';

/** Detectors whose raise is decided by one arriving reading (a level crossed, a count reached), not by a timer. */
const ON_READING: ReadonlySet<Rule['detector']> = new Set(['threshold', 'zone-level', 'count']);

/** May this rule's raises fire early: decided by a reading, with no hold time (`raiseAfter`, `memberAfter`) to wait out. */
export function firesEarly(rule: Rule): boolean {
  if (!rule.enabled || rule.raiseAfterMs !== 0 || !ON_READING.has(rule.detector)) return false;
  return rule.detector !== 'threshold' || rule.params.memberAfterMs === 0;
}

export interface EarlyFiringStats {
  /** Raises sent ahead of the watermark. */
  readonly raised: number;
  /** Severity rises sent ahead of the watermark. */
  readonly updated: number;
  /** Early raises the watermark engine then made too. */
  readonly confirmed: number;
  /** Early raises it did not make: withdrawn (cleared) once the watermark passed them. */
  readonly withdrawn: number;
  readonly pending: number;
  readonly engine: EngineStats;
}

/** The reason an early raise that the watermark engine did not confirm is cleared with. */
export const WITHDRAWN_REASON = 'raised early on arrival, not confirmed in event-time order';

/**
 * Early firing (Beam's early panes): the watermark engine decides in event time, the allowed lateness after a reading,
 * and is the record. Beside it, a second engine of the same code and rules takes each reading as it arrives
 * (`lateEvents: 'apply'`, no lateness), so a rule that decides on one reading (`firesEarly`) raises at once. Only those
 * raises, and severity rises of their incidents, are passed on; clears, timers' decisions and everything else come
 * from the watermark engine alone.
 *
 * When the watermark passes an early raise, the watermark engine has either raised the same key (the incident
 * lifecycle merges the two: same key, same evidence, one incident) or not (a reading that arrived later but was
 * earlier inhibited or silenced it): the early raise is then withdrawn by a clear. Early raises never carry
 * absorptions, and never go to a key the watermark engine holds raised (an operator may have resolved that incident).
 *
 * Pure: events and times in, signals out.
 */
export class EarlyFiring {
  readonly engine: CorrelationEngine;
  private readonly early = new Set<string>();
  /** Keys raised by the watermark engine and not cleared since, with their rule. */
  private readonly active = new Map<string, string>();
  /** Early raises awaiting the watermark: key → time of the raise. */
  private readonly awaiting = new Map<string, number>();
  private readonly counters = { raised: 0, updated: 0, confirmed: 0, withdrawn: 0 };

  constructor(rules: RuleSet, topology: Topology, startAt: number) {
    this.engine = new CorrelationEngine({ rules, topology, allowedLatenessMs: 0, startAt, lateEvents: 'apply' });
    for (const r of rules.rules) if (firesEarly(r)) this.early.add(r.id);
  }

  /** Does any enabled rule fire early (else the service need not run this at all)? */
  get enabled(): boolean {
    return this.early.size > 0;
  }

  /**
   * Readings as they arrive, evaluated at `nowMs`: the signals to apply at once. Pass only readings the watermark
   * engine will apply (newer than its watermark): an older one (a gateway's backlog) is late for the record, and
   * deciding on it early would only be withdrawn.
   */
  accept(events: readonly EngineEvent[], nowMs: number): IncidentSignal[] {
    this.engine.push(events);
    return this.advance(nowMs, events);
  }

  /** Within the millisecond of the last advance, the watermark stays and the readings pushed since are applied at it. */
  private step(timeMs: number): IncidentSignal[] {
    return this.engine.advanceTo(Math.max(timeMs, this.engine.watermark));
  }

  /** Moves the early engine's time on (its timers: hold, staleness, clear hysteresis); passes on what it may. */
  advance(nowMs: number, arrived: readonly EngineEvent[] = []): IncidentSignal[] {
    const out: IncidentSignal[] = [];
    for (const s of this.step(nowMs)) {
      if (s.op === 'raise') {
        if (!this.early.has(s.ruleId) || this.active.has(s.key) || this.awaiting.has(s.key)) continue;
        this.awaiting.set(s.key, s.at);
        this.counters.raised++;
        const { absorbs: _absorbs, ...raise } = s;
        out.push({ ...raise, evidence: ownTimes(s.evidence, arrived) });
      } else if (s.op === 'update' && s.severity !== undefined) {
        const rule = this.active.get(s.key);
        if (!this.awaiting.has(s.key) && !(rule && this.early.has(rule))) continue;
        this.counters.updated++;
        out.push({ op: 'update', key: s.key, at: s.at, severity: s.severity, evidence: ownTimes(s.evidence, arrived) });
      }
    }
    return out;
  }

  /**
   * The watermark engine's signals up to `watermark`, in order: returns what to apply. A raise that confirms an early
   * one goes on as an update of the incident the early raise opened (its evidence, severity and absorptions): the
   * incident is already open, and an operator may have resolved it since, which a second raise would undo by
   * reopening it. Then the clears withdrawing the early raises the watermark has passed without making them.
   */
  reconcile(decided: readonly IncidentSignal[], watermark: number): IncidentSignal[] {
    const out: IncidentSignal[] = [];
    for (const s of decided) {
      if (s.op === 'raise') {
        this.active.set(s.key, s.ruleId);
        if (this.awaiting.delete(s.key)) {
          this.counters.confirmed++;
          out.push({
            op: 'update',
            key: s.key,
            at: s.at,
            severity: s.severity,
            evidence: s.evidence,
            ...(s.absorbs && { absorbs: s.absorbs }),
          });
          continue;
        }
      } else if (s.op === 'clear') this.active.delete(s.key);
      out.push(s);
    }
    // (A key awaiting is never active: an early raise goes only to keys that are not, and the raise confirming it ends
    // its wait.)
    for (const [key, at] of this.awaiting) {
      if (at > watermark) continue;
      this.awaiting.delete(key);
      this.counters.withdrawn++;
      out.push({ op: 'clear', key, at: watermark, reason: WITHDRAWN_REASON });
    }
    return out;
  }

  /** Stored history (recovery), in canonical order up to `timeMs`: builds the early engine's state, decides nothing. */
  replay(events: readonly EngineEvent[], timeMs: number): void {
    this.engine.push(events);
    this.step(timeMs);
  }

  /** The watermark engine's raised keys after a recovery (its replay's active alarms). */
  recovered(active: ReadonlyMap<string, Extract<IncidentSignal, { op: 'raise' }>>): void {
    for (const [key, s] of active) this.active.set(key, s.ruleId);
  }

  setSilences(silences: readonly Silence[]): void {
    this.engine.setSilences(silences);
  }

  stats(): EarlyFiringStats {
    return { ...this.counters, pending: this.awaiting.size, engine: this.engine.stats() };
  }
}

/** The early engine sees a reading at the time it is applied; its evidence keeps the reading's own time. */
function ownTimes(evidence: readonly Evidence[], arrived: readonly EngineEvent[]): readonly Evidence[] {
  if (arrived.length === 0) return evidence;
  return evidence.map((e) => {
    const reading =
      e.msgId === undefined ? undefined : arrived.find((a) => a.msgId === e.msgId && a.deviceId === e.deviceId);
    return reading === undefined || reading.ts === e.at ? e : { ...e, at: reading.ts };
  });
}
