import { AlarmBook, severityOf, type Alarm } from '../alarm';
import type { EngineEvent } from '../event';
import type { FloodedWasteParams, Rule } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { fmt } from './field';

/**
 * Join of the waste and flood domains: full bins in a catchment under an active flood incident (waste floats into
 * the drains and blocks them; collection must be rescheduled).
 */
export class FloodedWasteDetector implements Detector {
  readonly kinds = ['bin-fill'] as const;
  readonly book: AlarmBook;
  private readonly p: FloodedWasteParams;
  private readonly full = new Map<string, Map<string, number>>();

  constructor(
    readonly rule: Rule & { detector: 'flooded-waste' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.book = new AlarmBook(rule, rt, zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    const fill = e.body.fillPct;
    if (!d || typeof fill !== 'number') return;
    let bins = this.full.get(d.catchment);
    if (!bins) this.full.set(d.catchment, (bins = new Map()));
    if (fill >= this.p.fillAbove) bins.set(d.id, e.ts);
    else if (!bins.delete(d.id)) {
      const a = this.book.alarms.get(`${this.rule.type}:${d.catchment}`);
      if (!a?.cond) return;
    }
    for (const [id, t] of bins) if (e.ts - t > this.p.staleAfterMs) bins.delete(id);
    const flooded = this.rt.world.zoneActive(this.p.floodType, d.catchment);
    const a = this.book.get({ kind: 'catchment', id: d.catchment });
    if (flooded && fill >= this.p.fillAbove && !a.raised)
      this.book.addEvidence(
        a,
        {
          at: e.ts,
          source: 'sensor',
          deviceId: d.id,
          msgId: e.msgId,
          kind: 'bin-fill',
          summary: `${d.id} ${fmt(fill)} % full in a flooded catchment`,
          value: fill,
          unit: '%',
        },
        a.cond,
      );
    this.book.set(
      a,
      flooded && bins.size >= this.p.minBins,
      severityOf(this.rule.severity, bins.size, (v) => this.rt.world.resolve(v, {})),
    );
  }

  onTimer(): void {}
}
