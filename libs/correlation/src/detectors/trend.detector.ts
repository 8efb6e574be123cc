import type { Alarm } from '../alarm';
import { AlarmBook, severityOf } from '../alarm';
import type { EngineEvent } from '../event';
import type { Rule, TrendParams } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { DEVICE_TYPE_OF_KIND, type DeviceType, type MessageKind } from '@ioc/domain';
import { median, setLatest } from '../world';
import { fmt, readField } from './field';
import { EvalThrottle } from './eval-throttle';
import { WindowSeries } from './regression';

/**
 * Rate of change and a simple forecast: the zone's median level, its least-squares slope over a window, and the lead
 * time until it reaches the target (e.g. the catchment's warning level). Raised when water is already on the street,
 * rising at least `minRatePerH`, and the forecast lead time is within the horizon.
 */
export class TrendDetector implements Detector {
  readonly kinds;
  readonly book: AlarmBook;
  private readonly p: TrendParams;
  private readonly latest = new Map<string, { t: number; v: number }>();
  private readonly series = new Map<string, WindowSeries>();
  private readonly scratch: number[] = [];
  private readonly throttle: EvalThrottle;
  private readonly deviceType: DeviceType;

  constructor(
    readonly rule: Rule & { detector: 'trend' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.deviceType = DEVICE_TYPE_OF_KIND[this.p.kind as MessageKind];
    this.kinds = [this.p.kind];
    this.book = new AlarmBook(rule, rt, zoneInhibited);
    this.throttle = new EvalThrottle(rt, this);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    const zoneId = d?.zones[this.p.zone];
    const v = readField(e.body, this.p.field);
    if (!d || !zoneId || typeof v !== 'number') return;
    setLatest(this.latest, d.id, e.ts, v);
    this.throttle.touch(zoneId, e.ts);
  }

  onTimer(due: number, zoneId: string): void {
    if (this.throttle.fired(zoneId, due)) this.evaluate(zoneId, due);
  }

  private evaluate(zoneId: string, now: number): void {
    const w = this.rt.world;
    let n = 0;
    for (const m of this.rt.topology.membersOfType(zoneId, this.deviceType)) {
      const x = this.latest.get(m.id);
      if (!x || now - x.t > this.p.staleAfterMs) continue;
      if (this.p.excludeFlagged.length && w.isSuspect(this.p.excludeFlagged, m.id, zoneId)) continue;
      this.scratch[n++] = x.v;
    }
    if (n < this.p.minReporting) return;
    const level = median(this.scratch, n);
    let s = this.series.get(zoneId);
    if (!s) this.series.set(zoneId, (s = new WindowSeries(this.p.windowMs)));
    s.add(now, level);
    const a = this.book.get({ kind: this.p.zone, id: zoneId });
    const rate = s.span >= this.p.windowMs * 0.6 ? s.slopePerHour() : NaN;
    const target = w.resolve(this.p.target, { [this.p.zone]: zoneId });
    const leadMin = rate > 0 ? ((target - level) / rate) * 60 : Infinity;
    let cond: boolean;
    if (a.raised) cond = rate >= this.p.minRatePerH / 3 && level >= this.p.minLevel / 2;
    else
      cond =
        level >= this.p.minLevel &&
        level < target &&
        rate >= this.p.minRatePerH &&
        leadMin * 60_000 <= this.p.horizonMs;
    if (cond && !a.cond)
      this.book.addEvidence(
        a,
        {
          at: now,
          source: 'engine',
          kind: 'forecast',
          summary: `median ${this.p.field} ${fmt(level)} rising ${fmt(rate)}/h: ${fmt(target)} in ${Math.max(0, Math.round(leadMin))} min`,
          value: Math.round(leadMin),
        },
        false,
      );
    a.value = leadMin;
    this.book.set(
      a,
      cond,
      cond
        ? severityOf(this.rule.severity, Math.max(0, leadMin), (x) => w.resolve(x, { [this.p.zone]: zoneId }))
        : undefined,
    );
  }
}
