import type { Alarm } from '../alarm';
import { formatDuration } from '../duration';
import type { EngineEvent } from '../event';
import { MemberGroups } from '../member-groups';
import type { DisagreementParams, DriftParams, NeighbourParams, Rule, StuckParams } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { median, setLatest } from '../world';
import { fmt, readField } from './field';
import { WindowSeries } from './regression';

/** The nearest neighbours are enough for a robust median (and keep a dense fleet cheap). */
const MAX_NEIGHBOURS = 8;

const zoneGroup = (zone: StuckParams['zone']) => ({
  by: { prefer: [{ kind: zone }] },
  minMembers: 1,
  minShare: 0,
  clearBelowMembers: 1,
});

/** Stuck sensor: the very same value for at least `minReadings` readings and `minDuration` (noise always moves a live one). */
export class StuckDetector implements Detector {
  readonly kinds;
  readonly groups: MemberGroups;
  private readonly p: StuckParams;
  private readonly state = new Map<string, { v: number; since: number; n: number }>();

  constructor(
    readonly rule: Rule & { detector: 'stuck' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.kinds = [this.p.kind];
    this.groups = new MemberGroups(rule, rt, zoneGroup(this.p.zone), zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    const v = readField(e.body, this.p.field);
    if (!d || typeof v !== 'number') return;
    const s = this.state.get(d.id);
    if (!s || s.v !== v) {
      if (s) this.groups.put(d, false, 0);
      this.state.set(d.id, { v, since: e.ts, n: 1 });
      return;
    }
    s.n++;
    if (s.n >= this.p.minReadings && e.ts - s.since >= this.p.minDurationMs) {
      const st = s;
      this.groups.put(d, true, st.n, () => ({
        at: e.ts,
        source: 'sensor',
        deviceId: d.id,
        msgId: e.msgId,
        kind: e.kind,
        summary: `${d.id} ${this.p.field} = ${fmt(st.v)} for ${st.n} readings (${formatDuration(e.ts - st.since)})`,
        value: st.v,
      }));
    }
  }

  onTimer(): void {}
}

/** Shared by drift and disagreement: a sensor against the median of its neighbours (distance key), when those are steady. */
abstract class NeighbourBase implements Detector {
  readonly kinds;
  readonly groups: MemberGroups;
  protected readonly latest = new Map<string, { t: number; v: number }>();
  private readonly neighbourSeries = new Map<string, WindowSeries>();
  private readonly scratch: number[] = [];

  constructor(
    readonly rule: Rule,
    protected readonly rt: Runtime,
    protected readonly np: NeighbourParams,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.kinds = [np.kind];
    this.groups = new MemberGroups(rule, rt, zoneGroup(np.zone), zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    const v = readField(e.body, this.np.field);
    if (!d || typeof v !== 'number') return;
    setLatest(this.latest, d.id, e.ts, v);
    let n = 0;
    const near = this.rt.topology.neighbours(d.id, this.np.radiusM);
    let seen = 0;
    for (let i = 0; i < near.length && seen < MAX_NEIGHBOURS; i++) {
      const o = near[i];
      if (o.zones[this.np.zone] !== d.zones[this.np.zone]) continue;
      seen++;
      const x = this.latest.get(o.id);
      if (x && e.ts - x.t <= this.np.staleAfterMs) this.scratch[n++] = x.v;
    }
    if (n < this.np.minNeighbours) return;
    const m = median(this.scratch, n);
    let ns = this.neighbourSeries.get(d.id);
    if (!ns) this.neighbourSeries.set(d.id, (ns = new WindowSeries(3_600_000)));
    ns.add(e.ts, m);
    const nRate = ns.span >= 1_200_000 ? ns.slopePerHour() : NaN;
    const steady = !Number.isNaN(nRate) && Math.abs(nRate) <= this.np.steadyRatePerH;
    this.judge(e, d, v, m, steady);
  }

  protected abstract judge(e: EngineEvent, d: DeviceNode, v: number, neighbours: number, steady: boolean): void;
  onTimer(): void {}
}

/**
 * Drift: the sensor's offset from its neighbours grows steadily (least-squares slope over an hour) while the
 * neighbours are steady; it is a slow fault, told apart from a step or a real local event by the trend.
 */
export class DriftDetector extends NeighbourBase {
  private readonly p: DriftParams;
  private readonly offsets = new Map<string, WindowSeries>();

  constructor(
    override readonly rule: Rule & { detector: 'drift' },
    rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    super(rule, rt, rule.params, zoneInhibited);
    this.p = rule.params;
  }

  protected judge(e: EngineEvent, d: DeviceNode, v: number, m: number, steady: boolean): void {
    let s = this.offsets.get(d.id);
    if (!s) this.offsets.set(d.id, (s = new WindowSeries(this.p.windowMs)));
    const off = v - m;
    s.add(e.ts, off);
    const member = this.groups.isMember(d);
    if (member) {
      if (Math.abs(off) < this.p.minOffset / 2) this.groups.put(d, false, 0);
      return;
    }
    if (!steady || s.span < this.p.windowMs * 0.9) return;
    const rate = s.slopePerHour();
    if (Math.abs(rate) >= this.p.minRatePerH && Math.abs(off) >= this.p.minOffset && Math.sign(rate) === Math.sign(off))
      this.groups.put(d, true, Math.abs(off), () => ({
        at: e.ts,
        source: 'sensor',
        deviceId: d.id,
        msgId: e.msgId,
        kind: e.kind,
        summary: `${d.id} ${fmt(v)} vs neighbours ${fmt(m)}: offset ${fmt(off)}, drifting ${fmt(rate)}/h`,
        value: v,
      }));
  }
}

/** Disagreement: far from the neighbours' median (absolute and relative) while they agree and are steady. */
export class DisagreementDetector extends NeighbourBase {
  private readonly p: DisagreementParams;

  constructor(
    override readonly rule: Rule & { detector: 'disagreement' },
    rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    super(rule, rt, rule.params, zoneInhibited);
    this.p = rule.params;
  }

  protected judge(e: EngineEvent, d: DeviceNode, v: number, m: number, steady: boolean): void {
    const off = Math.abs(v - m);
    const limit = Math.max(this.p.minOffset, this.p.relOffset * Math.abs(m));
    const member = this.groups.isMember(d);
    const bad = member ? off >= limit * 0.7 : steady && off >= limit;
    this.groups.put(d, bad, off, () => ({
      at: e.ts,
      source: 'sensor',
      deviceId: d.id,
      msgId: e.msgId,
      kind: e.kind,
      summary: `${d.id} ${fmt(v)} vs neighbours ${fmt(m)} (off by ${fmt(off)})`,
      value: v,
    }));
  }
}
