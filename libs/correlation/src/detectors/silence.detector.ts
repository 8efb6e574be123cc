import type { DeviceType, ZoneRef } from '@ioc/domain';
import { AlarmBook, severityOf, type Alarm } from '../alarm';
import { formatDuration } from '../duration';
import type { EngineEvent } from '../event';
import { MemberGroups } from '../member-groups';
import type { Rule, SilenceParams, ZoneSilenceParams } from '../rule.types';
import { deviceInhibited, type Detector, type Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';

/** While a silent device is inhibited (its zone is out), it is looked at again this often. */
const RECHECK_MS = 60_000;

const localTime = (ms: number, offsetMin: number) => new Date(ms + offsetMin * 60_000).toISOString().slice(11, 16);

/**
 * Absence per device: silent longer than its type's limit (measured from its last message, or from when the engine
 * started watching). One lazy timer per device, pushed forward only when it fires, so messages cost nothing here.
 */
abstract class SilenceBase implements Detector {
  readonly kinds = 'all' as const;
  protected readonly due = new Map<string, number>();
  protected readonly overdue = new Set<string>();

  constructor(
    readonly rule: Rule,
    protected readonly rt: Runtime,
    private readonly silenceAfterMs: Readonly<Record<string, number>>,
  ) {}

  /** The device's silence limit; undefined when its absence is not judged (its type has none, or it is not watched). */
  protected limit(d: DeviceNode): number | undefined {
    return this.rt.watched(d.id) ? this.silenceAfterMs[d.type as DeviceType] : undefined;
  }

  start(): void {
    for (const d of this.rt.topology.devices.values()) {
      const lim = this.limit(d);
      if (lim !== undefined) this.arm(d.id, this.rt.startedAt + lim);
    }
  }

  private arm(id: string, due: number): void {
    this.due.set(id, due);
    this.rt.schedule(due, this, id);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    if (!d || !this.overdue.has(d.id)) return;
    this.overdue.delete(d.id);
    this.changed(d, false);
    this.arm(d.id, e.ts + this.limit(d)!);
  }

  onTimer(due: number, id: string): void {
    if (this.due.get(id) !== due) return;
    const d = this.rt.topology.devices.get(id)!;
    const lim = this.limit(d)!;
    const last = Math.max(this.rt.world.lastSeen.get(id) ?? -Infinity, this.rt.startedAt);
    if (due < last + lim) {
      // Heard from again without a processed message (a late one proves it alive): no longer silent.
      if (this.overdue.delete(id)) this.changed(d, false);
      return this.arm(id, last + lim);
    }
    if (!this.overdue.has(id)) this.overdue.add(id);
    this.changed(d, true, last);
    const again = this.recheckAfter(d);
    if (again) this.arm(id, due + again);
    else this.due.delete(id);
  }

  protected abstract changed(d: DeviceNode, silent: boolean, lastSeen?: number): void;
  protected recheckAfter(_d: DeviceNode): number {
    return 0;
  }
}

/** Device offline, grouped by zone; devices whose zone is out (zone outage, and a while after) are left out. */
export class DeviceSilenceDetector extends SilenceBase {
  readonly groups: MemberGroups;

  constructor(
    override readonly rule: Rule & { detector: 'device-silence' },
    rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    super(rule, rt, (rule.params as SilenceParams).silenceAfterMs);
    this.groups = new MemberGroups(rule, rt, rule.params.group, zoneInhibited);
  }

  protected changed(d: DeviceNode, silent: boolean, lastSeen?: number): void {
    const member = silent && !deviceInhibited(this.rule, d, this.rt.world);
    const off = this.rt.topology.utcOffsetMin;
    this.groups.put(d, member, 1, () => ({
      at: this.rt.now,
      source: 'engine',
      deviceId: d.id,
      kind: 'silence',
      summary: `${d.id} silent since ${lastSeen !== undefined && lastSeen > this.rt.startedAt ? localTime(lastSeen, off) : 'start'} (> ${formatDuration(this.limit(d)!)})`,
    }));
  }

  protected override recheckAfter(d: DeviceNode): number {
    // Inhibition ends on its own clock: keep looking while the device stays silent.
    return this.rule.inhibitedBy.length ? RECHECK_MS : this.limit(d)!;
  }
}

/** Many devices of one zone silent together: one outage incident (which inhibits their device-offline alarms). */
export class ZoneSilenceDetector extends SilenceBase {
  readonly book: AlarmBook;
  private readonly p: ZoneSilenceParams;
  private readonly silentByZone = new Map<string, Set<string>>();
  private readonly totals = new Map<string, number>();

  constructor(
    override readonly rule: Rule & { detector: 'zone-silence' },
    rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    super(rule, rt, rule.params.silenceAfterMs);
    this.p = rule.params;
    this.book = new AlarmBook(rule, rt, zoneInhibited);
    for (const d of rt.topology.devices.values()) {
      const z = d.zones[this.p.zone];
      if (z && this.limit(d) !== undefined) this.totals.set(z, (this.totals.get(z) ?? 0) + 1);
    }
  }

  protected changed(d: DeviceNode, silent: boolean): void {
    const zoneId = d.zones[this.p.zone];
    if (!zoneId) return;
    let set = this.silentByZone.get(zoneId);
    if (!set) this.silentByZone.set(zoneId, (set = new Set()));
    if (silent === set.has(d.id)) return;
    if (silent) set.add(d.id);
    else set.delete(d.id);
    const zone: ZoneRef = { kind: this.p.zone, id: zoneId };
    const a = this.book.get(zone);
    const n = set.size;
    const share = n / (this.totals.get(zoneId) ?? 1);
    const cond = a.raised ? share >= this.p.clearShare : n >= this.p.minSilent && share >= this.p.raiseShare;
    if (cond && !a.raised) {
      a.evidence.length = 0;
      for (const id of set)
        this.book.addEvidence(
          a,
          { at: this.rt.now, source: 'engine', deviceId: id, kind: 'silence', summary: `${id} silent` },
          false,
        );
    } else if (silent && a.raised)
      this.book.addEvidence(
        a,
        { at: this.rt.now, source: 'engine', deviceId: d.id, kind: 'silence', summary: `${d.id} silent` },
        false,
      );
    this.book.set(
      a,
      cond,
      severityOf(this.rule.severity, n, (v) => this.rt.world.resolve(v, { [this.p.zone]: zoneId })),
    );
  }
}
