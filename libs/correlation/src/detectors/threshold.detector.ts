import type { Alarm } from '../alarm';
import type { EngineEvent } from '../event';
import { MemberGroups } from '../member-groups';
import { PREDICATES } from '../predicates';
import type { PredicateCall, Rule, ThresholdParams } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { fmt, readField } from './field';

interface DeviceState {
  since: number;
  lastT: number;
  satisfied: boolean;
  value: number;
  raw: unknown;
  msgId: string;
  /** Pending staleness check (one per device, pushed forward lazily). */
  staleDue: number;
  /** Last told to the group (saves a lookup per reading for the many devices that are not members). */
  member: boolean;
}

/**
 * Per-device threshold with hysteresis (separate raise and clear levels), a hold time before a device counts, a
 * staleness limit, joins (`where` predicates on other domains), grouped into zone incidents.
 */
export class ThresholdDetector implements Detector {
  readonly kinds;
  readonly groups: MemberGroups;
  private readonly p: ThresholdParams;
  private readonly state = new Map<string, DeviceState>();

  constructor(
    readonly rule: Rule & { detector: 'threshold' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.kinds = this.p.kinds;
    this.groups = new MemberGroups(rule, rt, this.p.group, zoneInhibited);
  }

  private passes(calls: readonly PredicateCall[], e: EngineEvent | undefined, d: DeviceNode): boolean {
    for (const c of calls) {
      const ok = PREDICATES[c.fn](this.rt.world, e?.body ?? {}, d, undefined, c.args);
      if (ok === c.negate) return false;
    }
    return true;
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    if (!d || !this.passes(this.p.filter, e, d)) return;
    const raw = readField(e.body, this.p.field);
    if (raw === undefined) return;
    let s = this.state.get(d.id);
    if (!s)
      this.state.set(
        d.id,
        (s = {
          since: -Infinity,
          lastT: e.ts,
          satisfied: false,
          value: NaN,
          raw,
          msgId: e.msgId,
          staleDue: -Infinity,
          member: false,
        }),
      );
    const w = this.p.when;
    let ok: boolean;
    let value: number;
    if (w.op === 'in') {
      ok = w.values.includes(raw as string);
      value = typeof raw === 'number' ? raw : 1;
    } else {
      if (typeof raw !== 'number') return;
      value = raw;
      const level = this.rt.world.resolve(s.member ? w.clear : w.level, d.zones);
      ok = w.op === 'above' ? raw >= level : raw <= level;
    }
    if (ok && this.p.where.length) ok = this.passes(this.p.where, e, d);
    if (ok && !s.satisfied) s.since = e.ts;
    s.satisfied = ok;
    s.lastT = e.ts;
    s.value = value;
    s.raw = raw;
    s.msgId = e.msgId;
    if (this.p.staleAfterMs > 0 && s.staleDue < e.ts)
      this.rt.schedule((s.staleDue = e.ts + this.p.staleAfterMs), this, d.id);
    this.decide(d, s, e.ts);
  }

  private decide(d: DeviceNode, s: DeviceState, now: number): void {
    const stale = this.p.staleAfterMs > 0 && now - s.lastT >= this.p.staleAfterMs;
    if (!s.satisfied || stale) {
      if (s.member) this.groups.put(d, (s.member = false), s.value);
      return;
    }
    const due = s.since + this.p.memberAfterMs;
    if (now < due) {
      this.rt.schedule(due, this, d.id);
      return;
    }
    s.member = true;
    this.groups.put(d, true, s.value, () => ({
      at: s.lastT,
      source: d.type === 'camera' ? 'camera' : 'sensor',
      deviceId: d.id,
      msgId: s.msgId,
      kind: this.p.kinds[0],
      summary: this.summary(d, s),
      value: typeof s.raw === 'number' ? s.raw : undefined,
    }));
  }

  private summary(d: DeviceNode, s: DeviceState): string {
    const w = this.p.when;
    if (w.op === 'in') return `${d.id} ${this.p.field} ${String(s.raw)}`;
    const level = this.rt.world.resolve(w.level, d.zones);
    return `${d.id} ${this.p.field} ${fmt(s.value)} ${w.op === 'above' ? '≥' : '≤'} ${fmt(level)}`;
  }

  onTimer(due: number, deviceId: string): void {
    const s = this.state.get(deviceId);
    const d = this.rt.topology.devices.get(deviceId);
    if (!s || !d) return;
    if (due === s.staleDue && due - s.lastT < this.p.staleAfterMs)
      this.rt.schedule((s.staleDue = s.lastT + this.p.staleAfterMs), this, deviceId);
    this.decide(d, s, due);
  }
}
