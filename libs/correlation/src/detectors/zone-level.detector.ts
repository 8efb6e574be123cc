import type { ZoneRef } from '@ioc/domain';
import { AlarmBook, severityOf, type Alarm } from '../alarm';
import type { EngineEvent, FieldReportBody } from '../event';
import { PREDICATES } from '../predicates';
import type { Rule, ZoneLevelParams } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { DEVICE_TYPE_OF_KIND, type DeviceType, type MessageKind } from '@ioc/domain';
import { median } from '../world';
import { EvalThrottle } from './eval-throttle';
import { fmt, readField } from './field';

/**
 * A zone's level: the median (or max) of its sensors' latest readings, suspect sensors left out, over a level with a
 * lower clear level; raised only when a cause is present (rain, a high river…); confirmed by cameras seeing standing
 * water or field reports, which raises severity. Urban flooding and the king-tide watch are this pattern.
 */
export class ZoneLevelDetector implements Detector {
  readonly kinds;
  readonly book: AlarmBook;
  private readonly p: ZoneLevelParams;
  private readonly latest = new Map<string, { t: number; v: number; msgId: string }>();
  private readonly confirmedAt = new Map<string, number>();
  private readonly above = new Map<string, Set<string>>();
  private readonly staleDue = new Map<string, number>();
  private readonly scratch: number[] = [];
  private readonly throttle: EvalThrottle;
  private readonly deviceType: DeviceType;

  constructor(
    readonly rule: Rule & { detector: 'zone-level' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.deviceType = DEVICE_TYPE_OF_KIND[this.p.kind as MessageKind];
    const confirm = this.p.confirm;
    this.kinds = [
      this.p.kind,
      ...(confirm?.detections.length ? (['camera-detection'] as const) : []),
      ...(confirm?.reportCategories.length ? (['field-report'] as const) : []),
    ];
    this.book = new AlarmBook(rule, rt, zoneInhibited);
    this.throttle = new EvalThrottle(rt, this, 'eval|');
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    if (e.kind === 'camera-detection' || e.kind === 'field-report') return this.confirmation(e, d);
    if (!d) return;
    const zoneId = d.zones[this.p.zone];
    const v = readField(e.body, this.p.field);
    if (!zoneId || typeof v !== 'number') return;
    const x = this.latest.get(d.id);
    if (x) {
      x.t = e.ts;
      x.v = v;
      x.msgId = e.msgId;
    } else this.latest.set(d.id, { t: e.ts, v, msgId: e.msgId });
    const z: ZoneRef = { kind: this.p.zone, id: zoneId };
    const a = this.book.get(z);
    // Sensors crossing the level join the evidence once per episode.
    const level = this.rt.world.resolve(this.p.above, { [this.p.zone]: zoneId });
    let set = this.above.get(zoneId);
    if (!set) this.above.set(zoneId, (set = new Set()));
    if (v >= level && !set.has(d.id)) {
      set.add(d.id);
      this.book.addEvidence(
        a,
        {
          at: e.ts,
          source: 'sensor',
          deviceId: d.id,
          msgId: e.msgId,
          kind: e.kind,
          summary: `${d.id} ${this.p.field} ${fmt(v)} ≥ ${fmt(level)}`,
          value: v,
          unit: 'cm',
        },
        a.raised,
      );
    } else if (v < this.rt.world.resolve(this.p.clearBelow, { [this.p.zone]: zoneId })) set.delete(d.id);
    this.throttle.touch(zoneId, e.ts);
    const due = e.ts + this.p.staleAfterMs;
    if ((this.staleDue.get(zoneId) ?? -Infinity) < e.ts) {
      this.staleDue.set(zoneId, due);
      this.rt.schedule(due, this, zoneId);
    }
  }

  private confirmation(e: EngineEvent, d: DeviceNode | undefined): void {
    const c = this.p.confirm!;
    let zoneId: string | undefined;
    let summary: string;
    let ref: string | undefined;
    if (e.kind === 'camera-detection') {
      if (!d || !c.detections.includes(String(e.body.eventType))) return;
      zoneId = d.zones[this.p.zone];
      summary = `${d.id} ${String(e.body.eventType)} (${fmt(Number(e.body.confidence ?? 0))})`;
      ref = e.body.snapshotRef as string | undefined;
    } else {
      const r = e.body as unknown as FieldReportBody;
      if (!c.reportCategories.includes(r.category)) return;
      zoneId = this.rt.topology.locate(r.lat, r.lon)[this.p.zone];
      summary = `report ${r.reportId}: ${r.text}`.slice(0, 160);
      ref = r.photoRef;
    }
    if (!zoneId) return;
    this.confirmedAt.set(zoneId, e.ts);
    const a = this.book.get({ kind: this.p.zone, id: zoneId });
    if (a.cond)
      this.book.addEvidence(
        a,
        {
          at: e.ts,
          source: e.kind === 'camera-detection' ? 'camera' : 'report',
          deviceId: e.deviceId,
          msgId: e.msgId,
          kind: e.kind,
          summary,
          ref,
        },
        !a.confirmed,
      );
    this.evaluate(a);
  }

  onTimer(due: number, arg: string): void {
    if (arg.startsWith('eval|')) {
      const zoneId = arg.slice(5);
      if (this.throttle.fired(zoneId, due)) this.evaluate(this.book.get({ kind: this.p.zone, id: zoneId }));
      return;
    }
    this.staleDue.delete(arg);
    this.evaluate(this.book.get({ kind: this.p.zone, id: arg }));
  }

  /** The zone's aggregate, or NaN with too few fresh readings. */
  level(zoneId: string): number {
    const w = this.rt.world;
    let n = 0;
    for (const m of this.rt.topology.membersOfType(zoneId, this.deviceType)) {
      const x = this.latest.get(m.id);
      if (!x || w.now - x.t > this.p.staleAfterMs) continue;
      if (this.p.excludeFlagged.length && w.isSuspect(this.p.excludeFlagged, m.id, zoneId)) continue;
      this.scratch[n++] = x.v;
    }
    if (n < this.p.minReporting) return NaN;
    if (this.p.aggregate === 'max') {
      let best = -Infinity;
      for (let i = 0; i < n; i++) if (this.scratch[i] > best) best = this.scratch[i];
      return best;
    }
    return median(this.scratch, n);
  }

  private evaluate(a: Alarm): void {
    const w = this.rt.world;
    const zones = { [this.p.zone]: a.zone.id };
    const x = this.level(a.zone.id);
    let cond = !Number.isNaN(x) && x >= w.resolve(a.raised ? this.p.clearBelow : this.p.above, zones);
    if (cond && !a.raised && !a.cond && this.p.requiresAny.length) {
      cond = this.p.requiresAny.some((c) => PREDICATES[c.fn](w, {}, undefined, a.zone.id, c.args) !== c.negate);
      if (cond)
        this.book.addEvidence(a, { at: w.now, source: 'engine', kind: 'cause', summary: this.cause(a.zone.id) }, false);
    }
    const c = this.p.confirm;
    a.confirmed = !!c && w.now - (this.confirmedAt.get(a.zone.id) ?? -Infinity) <= c.withinMs;
    if (!Number.isNaN(x)) a.value = x;
    this.book.set(
      a,
      cond,
      Number.isNaN(a.value)
        ? undefined
        : severityOf(this.rule.severity, a.value, (v) => w.resolve(v, zones), a.confirmed),
    );
  }

  private cause(zoneId: string): string {
    const w = this.rt.world;
    const rain = w.rainSince(zoneId, w.now - 3 * 3_600_000);
    const river = w.riverLevel(1_800_000);
    return `${this.p.aggregate} ${this.p.field} ${fmt(this.level(zoneId))}; rain ${fmt(rain)} mm in 3 h; river ${Number.isNaN(river) ? 'n/a' : `${fmt(river)} cm`}`;
  }
}
