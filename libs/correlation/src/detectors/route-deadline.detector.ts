import { AlarmBook, severityOf, type Alarm } from '../alarm';
import type { EngineEvent } from '../event';
import type { RouteDeadlineParams, Rule } from '../rule.types';
import type { Detector, Runtime } from '../runtime';
import type { RouteNode } from '@ioc/city';

const DAY_MS = 86_400_000;

/**
 * A sequence with a deadline: a route's shift starts, its bins must be picked up by the deadline. At each deadline
 * the share of the route's bins picked up during the shift is checked; an incident per route (in the route's ward)
 * until a later shift or the catch-up pick-ups bring the route back above `clearShare`. Shifts that began before
 * the engine started watching are not judged.
 */
export class RouteDeadlineDetector implements Detector {
  readonly kinds = ['truck-pickup'] as const;
  readonly book: AlarmBook;
  private readonly p: RouteDeadlineParams;
  private readonly lastPickup = new Map<string, number>();
  private readonly missedAt = new Map<string, number>();

  constructor(
    readonly rule: Rule & { detector: 'route-deadline' },
    private readonly rt: Runtime,
    zoneInhibited?: (a: Alarm) => boolean,
  ) {
    this.p = rule.params;
    this.book = new AlarmBook(rule, rt, zoneInhibited);
  }

  private alarm(r: RouteNode): Alarm {
    return this.book.get({ kind: 'ward', id: r.ward }, r.id);
  }

  start(): void {
    const off = this.rt.topology.utcOffsetMin * 60_000;
    const midnight = Math.floor((this.rt.startedAt + off) / DAY_MS) * DAY_MS - off;
    for (const r of this.rt.topology.routes.values()) {
      r.shifts.forEach((s, i) => {
        let due = midnight + s.deadlineMin * 60_000;
        while (due <= this.rt.startedAt) due += DAY_MS;
        this.rt.schedule(due, this, `${r.id}|${i}`);
      });
    }
  }

  onEvent(e: EngineEvent): void {
    const binId = String(e.body.binId);
    this.lastPickup.set(binId, e.ts);
    const routeId = (e.body.routeId as string | undefined) ?? this.rt.topology.devices.get(binId)?.routeId;
    const r = routeId ? this.rt.topology.routes.get(routeId) : undefined;
    const since = r ? this.missedAt.get(r.id) : undefined;
    if (!r || since === undefined) return;
    const share = this.pickedShare(r, since, e.ts);
    if (share >= this.p.clearShare) {
      this.missedAt.delete(r.id);
      this.book.set(this.alarm(r), false);
    }
  }

  private pickedShare(r: RouteNode, from: number, to: number): number {
    let n = 0;
    for (const b of r.binIds) {
      const t = this.lastPickup.get(b);
      if (t !== undefined && t >= from && t <= to) n++;
    }
    return r.binIds.length ? n / r.binIds.length : 1;
  }

  onTimer(due: number, arg: string): void {
    const [routeId, idx] = arg.split('|');
    const r = this.rt.topology.routes.get(routeId)!;
    const shift = r.shifts[Number(idx)];
    this.rt.schedule(due + DAY_MS, this, arg);
    const start = due - (shift.deadlineMin - shift.startMin) * 60_000;
    if (start < this.rt.startedAt) return;
    const share = this.pickedShare(r, start, due);
    const a = this.alarm(r);
    if (share < this.p.minShare) {
      if (!this.missedAt.has(r.id)) this.missedAt.set(r.id, start);
      const missed = Math.round((1 - share) * 100);
      this.book.addEvidence(a, {
        at: due,
        source: 'engine',
        deviceId: r.truckId,
        kind: 'truck-pickup',
        summary: `route ${r.id} (${r.truckId}): ${Math.round(share * r.binIds.length)}/${r.binIds.length} bins picked up by the ${String(Math.floor(shift.deadlineMin / 60)).padStart(2, '0')}:${String(shift.deadlineMin % 60).padStart(2, '0')} deadline`,
        value: missed,
        unit: '%',
      });
      a.value = missed;
      this.book.set(
        a,
        true,
        severityOf(this.rule.severity, missed, (v) => this.rt.world.resolve(v, {})),
      );
    } else if (share >= this.p.clearShare) {
      this.missedAt.delete(r.id);
      this.book.set(a, false);
    }
  }
}
