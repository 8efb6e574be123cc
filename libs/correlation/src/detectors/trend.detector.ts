import type { Alarm } from '../alarm';
import { AlarmBook, severityOf } from '../alarm';
import type { EngineEvent } from '../event';
import type { Rule, TrendParams } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '../topology';
import { median } from '../world';
import { fmt, readField } from './field';
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

  constructor(
    readonly rule: Rule & { detector: 'trend' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.kinds = [this.p.kind];
    this.book = new AlarmBook(rule, rt, zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    const zoneId = d?.zones[this.p.zone];
    const v = readField(e.body, this.p.field);
    if (!d || !zoneId || typeof v !== 'number') return;
    this.latest.set(d.id, { t: e.ts, v });
    const w = this.rt.world;
    let n = 0;
    for (const m of this.rt.topology.membersOf(zoneId)) {
      const x = this.latest.get(m.id);
      if (!x || e.ts - x.t > this.p.staleAfterMs) continue;
      if (this.p.excludeFlagged.length && w.isSuspect(this.p.excludeFlagged, m.id, zoneId)) continue;
      this.scratch[n++] = x.v;
    }
    if (n < this.p.minReporting) return;
    const level = median(this.scratch, n);
    let s = this.series.get(zoneId);
    if (!s) this.series.set(zoneId, (s = new WindowSeries(this.p.windowMs)));
    s.add(e.ts, level);
    const a = this.book.get({ kind: this.p.zone, id: zoneId });
    const rate = s.span >= this.p.windowMs * 0.6 ? s.slopePerHour() : NaN;
    const target = w.resolve(this.p.target, { [this.p.zone]: zoneId });
    const leadMin = rate > 0 ? ((target - level) / rate) * 60 : Infinity;
    let cond: boolean;
    if (a.raised) cond = rate >= this.p.minRatePerH / 3 && level >= this.p.minLevel / 2;
    else cond = level >= this.p.minLevel && level < target && rate >= this.p.minRatePerH && leadMin * 60_000 <= this.p.horizonMs;
    if (cond && !a.cond)
      this.book.addEvidence(a, { at: e.ts, source: 'engine', kind: 'forecast', summary: `median ${this.p.field} ${fmt(level)} rising ${fmt(rate)}/h: ${fmt(target)} in ${Math.max(0, Math.round(leadMin))} min`, value: Math.round(leadMin) }, false);
    a.value = leadMin;
    this.book.set(a, cond, cond ? severityOf(this.rule.severity, Math.max(0, leadMin), (x) => w.resolve(x, { [this.p.zone]: zoneId })) : undefined);
  }

  onTimer(): void {
    // Trend alarms are driven by readings only (no readings, no trend).
  }
}
