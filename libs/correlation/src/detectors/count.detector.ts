import type { Alarm } from '../alarm';
import { formatDuration } from '../duration';
import type { EngineEvent, FieldReportBody } from '../event';
import { MemberGroups } from '../member-groups';
import type { CountParams, Rule } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import { distanceM, type DeviceNode } from '@ioc/city';
import { fmt } from './field';

interface Spot {
  times: number[];
  last: number;
}

/**
 * Counts in a window (sliding, or tumbling on clock-aligned buckets) per camera spot; a spot with at least `minCount`
 * detections is a member until it has been quiet for `quietAfter` (a session gap). Field reports of the configured
 * categories near a camera (distance key) count as its detections.
 */
export class CountDetector implements Detector {
  readonly kinds;
  readonly groups: MemberGroups;
  private readonly p: CountParams;
  private readonly spots = new Map<string, Spot>();
  private cameras: DeviceNode[] | undefined;

  constructor(
    readonly rule: Rule & { detector: 'count' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.kinds = this.p.reportCategories.length
      ? (['camera-detection', 'field-report'] as const)
      : (['camera-detection'] as const);
    this.groups = new MemberGroups(rule, rt, this.p.group, zoneInhibited);
  }

  onEvent(e: EngineEvent, d: DeviceNode | undefined): void {
    if (e.kind === 'field-report') {
      const r = e.body as unknown as FieldReportBody;
      if (!this.p.reportCategories.includes(r.category)) return;
      const cam = this.nearestCamera(r.lat, r.lon);
      if (cam) this.count(cam, e, `report ${r.reportId} near ${cam.id}: ${r.text}`.slice(0, 160), r.photoRef);
      return;
    }
    if (!d || !this.p.eventTypes.includes(String(e.body.eventType))) return;
    if (typeof e.body.confidence === 'number' && e.body.confidence < this.p.minConfidence) return;
    this.count(
      d,
      e,
      `${d.id} ${String(e.body.eventType)} (${fmt(Number(e.body.confidence ?? 1))})`,
      e.body.snapshotRef as string | undefined,
    );
  }

  private nearestCamera(lat: number, lon: number): DeviceNode | undefined {
    this.cameras ??= [...this.rt.topology.devices.values()].filter((x) => x.type === 'camera');
    let best: DeviceNode | undefined;
    let bestM = this.p.reportRadiusM;
    for (const c of this.cameras) {
      const m = distanceM([lon, lat], [c.lon, c.lat]);
      if (m <= bestM) {
        best = c;
        bestM = m;
      }
    }
    return best;
  }

  private count(d: DeviceNode, e: EngineEvent, summary: string, ref?: string): void {
    let s = this.spots.get(d.id);
    if (!s) this.spots.set(d.id, (s = { times: [], last: -Infinity }));
    s.times.push(e.ts);
    s.last = e.ts;
    const w = this.p.window;
    const from = w.type === 'sliding' ? e.ts - w.sizeMs : Math.floor(e.ts / w.sizeMs) * w.sizeMs;
    let drop = 0;
    while (drop < s.times.length && s.times[drop] <= from - (w.type === 'tumbling' ? 1 : 0)) drop++;
    if (drop) s.times.splice(0, drop);
    const member = this.groups.isMember(d);
    const n = s.times.length;
    if (member || n >= this.p.minCount) {
      const evidence = {
        at: e.ts,
        source: e.kind === 'field-report' ? ('report' as const) : ('camera' as const),
        deviceId: e.deviceId,
        msgId: e.msgId,
        kind: e.kind,
        summary,
        ref,
      };
      if (member) this.groups.book.addEvidence(this.groups.book.get(this.groups.zoneOf(d)!), evidence, false);
      this.groups.put(d, true, n, () => ({ ...evidence, summary: `${summary}: ${n} in ${formatDuration(w.sizeMs)}` }));
      this.rt.schedule(e.ts + this.p.quietAfterMs, this, d.id);
    }
  }

  onTimer(due: number, cameraId: string): void {
    const s = this.spots.get(cameraId);
    if (!s || s.last + this.p.quietAfterMs !== due) return;
    this.groups.put(this.rt.topology.devices.get(cameraId)!, false, 0);
  }
}
