import { severityRank, type Evidence, type Severity, type ZoneRef } from '@ioc/domain';
import type { Rule, SeveritySpec } from './rule.types';
import { zoneName, type Runtime } from './runtime';
import type { TimerTarget } from './timer-heap';

/** Updates for a raised incident go out at most this often, unless its severity changes. */
const UPDATE_EVERY_MS = 5 * 60_000;
/** A suppressed (inhibited/absorbed) raise is looked at again this often. */
const RECHECK_MS = 60_000;

export interface Member {
  readonly deviceId: string;
  since: number;
  value: number;
  /** What made it a member, sent with the raise. */
  evidence?: Evidence;
}

/** One incident key's state: condition with its time hysteresis, raised or not, pending evidence, members. */
export class Alarm {
  cond = false;
  since = -Infinity;
  raised = false;
  raisedAt = 0;
  lastSignalAt = -Infinity;
  severity: Severity = 'minor';
  sentSeverity: Severity = 'minor';
  value = NaN;
  confirmed = false;
  dirty = false;
  evidence: Evidence[] = [];
  raiseTimes: number[] = [];
  timerDue = Infinity;
  /** Hysteresis in time for the current clearing episode (longer when the key was flapping as it turned false). */
  clearAfterMs = 0;
  readonly members = new Map<string, Member>();
  constructor(
    readonly key: string,
    readonly zone: ZoneRef,
  ) {}
}

/**
 * The alarms of one rule, keyed by incident key: raise after the condition held `raiseAfter`, clear after it was
 * false `clearAfter` (longer while flapping), updates when severity changes or evidence arrives, suppression by
 * silences, inhibition and absorption. Everything is driven by event time.
 */
export class AlarmBook implements TimerTarget {
  readonly alarms = new Map<string, Alarm>();

  constructor(
    readonly rule: Rule,
    private readonly rt: Runtime,
    /** Extra zone-level inhibition test (the rule's inhibitors whose scope is the alarm's zone kind). */
    private readonly zoneInhibited: (a: Alarm) => boolean = () => false,
  ) {}

  private readonly byZone = new Map<string, Alarm>();

  get(zone: ZoneRef, suffix?: string): Alarm {
    if (!suffix) {
      // Hot path: one alarm per zone, found without building its key.
      const hit = this.byZone.get(zone.id);
      if (hit) return hit;
    }
    const key = suffix ? `${this.rule.type}:${zone.id}:${suffix}` : `${this.rule.type}:${zone.id}`;
    let a = this.alarms.get(key);
    if (!a) {
      this.alarms.set(key, (a = new Alarm(key, zone)));
      if (!suffix) this.byZone.set(zone.id, a);
    }
    return a;
  }

  /** Adds evidence to send with the next signal (bounded: the first ones and the latest are kept). */
  addEvidence(a: Alarm, e: Evidence, notable = true): void {
    const limit = this.rule.evidenceLimit;
    if (a.evidence.length < limit) a.evidence.push(e);
    else a.evidence[limit - 1] = e;
    if (notable) a.dirty = true;
  }

  /** Sets the condition (and severity) of an alarm at the current time and runs its state machine. */
  set(a: Alarm, cond: boolean, severity?: Severity): void {
    const now = this.rt.now;
    // Severity only rises while an incident is raised (no update storms when a value wavers around a band edge).
    if (severity && (!a.raised || severityRank(severity) > severityRank(a.severity))) a.severity = severity;
    if (cond !== a.cond) {
      a.cond = cond;
      a.since = now;
      if (!cond && a.raised) {
        const r = this.rule;
        const flapping = a.raiseTimes.filter((t) => now - t <= r.flap.windowMs).length > r.flap.maxRaises;
        a.clearAfterMs = flapping ? Math.max(r.flap.clearAfterMs, r.clearAfterMs) : r.clearAfterMs;
      }
    }
    this.step(a, now);
  }

  onTimer(due: number, key: string): void {
    const a = this.alarms.get(key);
    if (!a || a.timerDue !== due) return;
    a.timerDue = Infinity;
    this.step(a, due);
  }

  /** Looks again at every alarm whose condition holds but is not raised (a silence ended early): at `due`. */
  recheckHeld(due: number): void {
    for (const a of this.alarms.values()) if (a.cond && !a.raised) this.schedule(a, due);
  }

  private schedule(a: Alarm, due: number): void {
    if (due >= a.timerDue && a.timerDue > this.rt.now) return;
    a.timerDue = due;
    this.rt.schedule(due, this, a.key);
  }

  private step(a: Alarm, now: number): void {
    const r = this.rule;
    if (a.cond) {
      if (!a.raised) {
        const due = a.since + r.raiseAfterMs;
        if (now < due) return this.schedule(a, due);
        this.tryRaise(a, now);
      } else if (a.dirty || a.severity !== a.sentSeverity) {
        if (a.severity !== a.sentSeverity || now - a.lastSignalAt >= UPDATE_EVERY_MS) this.update(a, now);
        else this.schedule(a, a.lastSignalAt + UPDATE_EVERY_MS);
      }
    } else if (a.raised) {
      const due = a.since + a.clearAfterMs;
      if (now < due) return this.schedule(a, due);
      this.clear(a, now, 'condition cleared');
    } else {
      a.evidence.length = 0;
      a.dirty = false;
    }
  }

  private tryRaise(a: Alarm, now: number): void {
    const silencedUntil = this.rt.silencedUntil(this.rule, a.key, a.zone);
    if (silencedUntil !== undefined) {
      this.rt.countSuppressed('silenced');
      return this.schedule(a, silencedUntil);
    }
    if (this.zoneInhibited(a)) {
      this.rt.countSuppressed('inhibited');
      return this.schedule(a, now + RECHECK_MS);
    }
    if (this.rt.absorbed(this.rule, a)) {
      this.rt.countSuppressed('absorbed');
      return this.schedule(a, now + RECHECK_MS);
    }
    a.raised = true;
    a.raisedAt = now;
    a.raiseTimes.push(now);
    while (a.raiseTimes.length > this.rule.flap.maxRaises + 1) a.raiseTimes.shift();
    this.rt.world.setZoneIncident(this.rule.type, a.zone.id, true);
    const absorbs = this.rt.absorb(this.rule, a);
    const name = zoneName(this.rt.topology, a.zone);
    this.rt.emit({
      op: 'raise',
      key: a.key,
      type: this.rule.type,
      ruleId: this.rule.id,
      zone: a.zone,
      severity: a.severity,
      at: now,
      evidence: a.evidence.splice(0),
      title: { vi: this.rule.title.vi.replace('{zone}', name), en: this.rule.title.en.replace('{zone}', name) },
      ...(absorbs.length ? { absorbs } : {}),
    });
    this.sent(a, now);
  }

  private update(a: Alarm, now: number): void {
    const sev = a.severity !== a.sentSeverity ? { severity: a.severity } : {};
    if (this.rt.silencedUntil(this.rule, a.key, a.zone) !== undefined) {
      // A silence mutes updates too; the evidence is kept for later.
      this.rt.countSuppressed('silenced');
      return;
    }
    this.rt.emit({ op: 'update', key: a.key, at: now, ...sev, evidence: a.evidence.splice(0) });
    this.sent(a, now);
  }

  private sent(a: Alarm, now: number): void {
    a.lastSignalAt = now;
    a.sentSeverity = a.severity;
    a.dirty = false;
  }

  /** Clears a raised alarm now (condition gone for its hysteresis, or absorbed by another incident). */
  clear(a: Alarm, now: number, reason: string): void {
    if (!a.raised) return;
    a.raised = false;
    a.evidence.length = 0;
    a.dirty = false;
    this.rt.world.setZoneIncident(this.rule.type, a.zone.id, false);
    this.rt.emit({ op: 'clear', key: a.key, at: now, reason });
  }
}

/** The most severe band matching x (bands may refer to zone attributes, e.g. multiples of the warning level). */
export function severityOf(
  spec: SeveritySpec,
  x: number,
  resolve: (v: import('./rule.types').NumOrRef) => number,
  confirmed = false,
): Severity {
  let best: Severity | undefined;
  for (const b of spec.bands) {
    if (b.atLeast !== undefined && !(x >= resolve(b.atLeast))) continue;
    if (b.atMost !== undefined && !(x <= resolve(b.atMost))) continue;
    if (!best || severityRank(b.level) > severityRank(best)) best = b.level;
  }
  let s: Severity = best ?? spec.bands[0].level;
  if (confirmed && spec.confirmedBoost)
    s = (['minor', 'moderate', 'major', 'critical'] as const)[Math.min(3, severityRank(s) + 1)];
  return s;
}
