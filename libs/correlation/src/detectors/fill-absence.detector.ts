import type { Alarm } from '../alarm';
import { formatDuration } from '../duration';
import type { EngineEvent } from '../event';
import { MemberGroups } from '../member-groups';
import type { FillAbsenceParams, Rule } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { DeviceNode } from '@ioc/city';
import { fmt } from './field';

interface BinState {
  fullSince: number;
  fill: number;
  msgId: string;
}

/**
 * Absence after a condition ("fill ≥ 90 % and no pick-up within T"): a bin that crossed the fill level starts a
 * timer; a pick-up (or a reading below the reset level) cancels it; when it fires the bin overflows, grouped by zone.
 */
export class FillAbsenceDetector implements Detector {
  readonly kinds = ['bin-fill', 'truck-pickup'] as const;
  readonly groups: MemberGroups;
  private readonly p: FillAbsenceParams;
  private readonly bins = new Map<string, BinState>();

  constructor(
    readonly rule: Rule & { detector: 'fill-absence' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.groups = new MemberGroups(rule, rt, this.p.group, zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    if (e.kind === 'truck-pickup') {
      const bin = this.rt.topology.devices.get(String(e.body.binId));
      if (bin) this.reset(bin);
      return;
    }
    const fill = e.body.fillPct;
    if (!d || typeof fill !== 'number') return;
    let s = this.bins.get(d.id);
    if (!s) this.bins.set(d.id, (s = { fullSince: -Infinity, fill, msgId: e.msgId }));
    s.fill = fill;
    s.msgId = e.msgId;
    if (fill < this.p.resetBelow) return this.reset(d);
    if (fill >= this.p.fillAbove && s.fullSince === -Infinity) {
      s.fullSince = e.ts;
      this.rt.schedule(e.ts + this.p.noPickupWithinMs, this, d.id);
    }
  }

  private reset(d: DeviceNode): void {
    const s = this.bins.get(d.id);
    if (s) s.fullSince = -Infinity;
    this.groups.put(d, false, 0);
  }

  onTimer(due: number, binId: string): void {
    const s = this.bins.get(binId);
    if (!s || s.fullSince + this.p.noPickupWithinMs !== due) return;
    const d = this.rt.topology.devices.get(binId)!;
    this.groups.put(d, true, s.fill, () => ({
      at: due,
      source: 'sensor',
      deviceId: binId,
      msgId: s.msgId,
      kind: 'bin-fill',
      summary: `${binId} ${fmt(s.fill)} % full, no pick-up for ${formatDuration(this.p.noPickupWithinMs)}`,
      value: s.fill,
      unit: '%',
    }));
  }
}
