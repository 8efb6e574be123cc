import type { Evidence, ZoneRef } from '@ioc/domain';
import { AlarmBook, severityOf, type Alarm } from './alarm';
import type { GroupSpec, Rule } from './rule.types';
import { selectZone, type Runtime } from './runtime';
import type { DeviceNode } from '@ioc/city';

/**
 * Grouping (Alertmanager's group_by): devices whose own condition holds are members of their zone's incident; the
 * incident is raised when enough members (and share of the zone's devices of that type) hold, and clears when fewer
 * than `clearBelowMembers` remain. Members are flagged in the world so other rules can inhibit on them.
 */
export class MemberGroups {
  readonly book: AlarmBook;
  private readonly zoneCache = new Map<string, ZoneRef | null>();
  private readonly denominators = new Map<string, number>();

  constructor(
    readonly rule: Rule,
    private readonly rt: Runtime,
    private readonly group: GroupSpec,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.book = new AlarmBook(rule, rt, zoneInhibited);
  }

  zoneOf(d: DeviceNode): ZoneRef | undefined {
    let z = this.zoneCache.get(d.id);
    if (z === undefined) this.zoneCache.set(d.id, (z = selectZone(this.group.by, d, this.rt.topology) ?? null));
    return z ?? undefined;
  }

  isMember(d: DeviceNode): boolean {
    const z = this.zoneOf(d);
    return !!z && this.book.get(z).members.has(d.id);
  }

  /** Sets whether `d` is a member now (with its value and, on joining, evidence) and re-evaluates its zone. */
  put(d: DeviceNode, member: boolean, value: number, evidence?: () => Evidence): void {
    const z = this.zoneOf(d);
    if (!z) return;
    const a = this.book.get(z);
    const had = a.members.get(d.id);
    if (member) {
      if (had) {
        had.value = value;
        if (!this.severityByValue()) return;
      } else {
        const e = evidence?.();
        a.members.set(d.id, { deviceId: d.id, since: this.rt.now, value, evidence: e });
        this.rt.world.flag(this.rule.type, d.id, true);
        if (e && a.raised) this.book.addEvidence(a, e);
      }
    } else {
      if (!had) return;
      a.members.delete(d.id);
      this.rt.world.flag(this.rule.type, d.id, false);
    }
    this.evaluate(a, d);
  }

  private severityByValue(): boolean {
    return this.rule.severity.by === 'value';
  }

  evaluate(a: Alarm, sample?: DeviceNode): void {
    const n = a.members.size;
    let cond: boolean;
    if (a.raised) cond = n >= this.group.clearBelowMembers;
    else {
      cond = n >= this.group.minMembers;
      if (cond && this.group.minShare > 0 && sample) cond = n / this.denominator(a.zone, sample) >= this.group.minShare;
    }
    let x = n;
    if (this.severityByValue()) {
      x = -Infinity;
      for (const m of a.members.values()) if (m.value > x) x = m.value;
    }
    if (cond && !a.raised) {
      // The raise carries the evidence of the members present then (bounded).
      a.evidence.length = 0;
      for (const m of a.members.values()) if (m.evidence) this.book.addEvidence(a, m.evidence, false);
    }
    const zones = { [a.zone.kind]: a.zone.id, ...(sample?.zones ?? {}) };
    this.book.set(a, cond, n ? severityOf(this.rule.severity, x, (v) => this.rt.world.resolve(v, zones)) : undefined);
  }

  private denominator(zone: ZoneRef, sample: DeviceNode): number {
    const k = `${zone.id}|${sample.type}`;
    let n = this.denominators.get(k);
    if (n === undefined)
      this.denominators.set(
        k,
        (n = Math.max(1, this.rt.topology.membersOf(zone.id).filter((d) => d.type === sample.type).length)),
      );
    return n;
  }
}
