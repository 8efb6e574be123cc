import { bearingDeg, distanceM, pointBetween, type CollectionRoute, type LonLat } from '@ioc/city';
import { r1, r5, REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { clockMinutes, localHour } from '../time';
import type { BinModel } from './bin.device';

const TRUCK_IDLE_S = 600;
const TRUCK_SPEED_MS = 5; // 18 km/h between bins
const PICKUP_DWELL_S = 45;

interface TruckState {
  readonly route: CollectionRoute;
  readonly stops: readonly SimDevice[];
  mode: 'depot' | 'route' | 'return';
  i: number;
  pos: LonLat;
  dwell: number;
  speedKmh: number;
  heading: number;
  shiftStart: number;
}

/**
 * A collection truck's GPS: at each shift's start it leaves the depot, drives to its route's bins in order, empties each
 * (a pick-up message), and drives back. A truck without a route waits where the registry puts it.
 */
export class TruckModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S.truck];
  private readonly trucks = new Map<SimDevice, TruckState>();

  constructor(
    private readonly world: DeviceWorld,
    private readonly bins: BinModel,
  ) {}

  start(): void {
    for (const r of this.world.routes) {
      const truck = this.world.device(r.truckId);
      if (!truck) continue;
      const stops = r.binIds.map((b) => this.world.device(b)).filter((b): b is SimDevice => !!b);
      this.trucks.set(truck, {
        route: r,
        stops,
        mode: 'depot',
        i: 0,
        pos: r.depot,
        dwell: 0,
        speedKmh: 0,
        heading: 0,
        shiftStart: 0,
      });
    }
  }

  step(d: SimDevice, t: number, dtS: number): void {
    const tr = this.trucks.get(d);
    if (!tr) return;
    const ms = this.world.startMs + t * 1000;
    if (tr.mode === 'depot') {
      const nowMin = localHour(ms) * 60;
      const prevMin = nowMin - dtS / 60;
      const shift = tr.route.shifts.find((s) => {
        const m = clockMinutes(s.start);
        return (
          (prevMin < m && m <= nowMin) ||
          (t === this.world.physicsStepS && nowMin >= m && nowMin < clockMinutes(s.deadline) - 60)
        );
      });
      if (!shift || !tr.stops.length) return;
      Object.assign(tr, { mode: 'route', i: 0, dwell: 0, shiftStart: t });
    }
    if (this.world.fault(d, 'truck-breakdown', t)) {
      tr.speedKmh = 0;
      return;
    }
    let budget = dtS;
    while (budget > 0 && tr.mode !== 'depot') {
      if (tr.dwell > 0) {
        const used = Math.min(budget, tr.dwell);
        tr.dwell -= used;
        budget -= used;
        tr.speedKmh = 0;
        if (tr.dwell <= 0) this.pickup(d, tr, t);
        continue;
      }
      const target: LonLat = tr.mode === 'route' ? [tr.stops[tr.i].site.lon, tr.stops[tr.i].site.lat] : tr.route.depot;
      const dist = distanceM(tr.pos, target);
      const step = TRUCK_SPEED_MS * budget;
      if (dist > 0) tr.heading = bearingDeg(tr.pos, target);
      if (step < dist) {
        tr.pos = pointBetween(tr.pos, target, step / dist);
        tr.speedKmh = TRUCK_SPEED_MS * 3.6;
        budget = 0;
      } else {
        tr.pos = target;
        budget -= dist / TRUCK_SPEED_MS;
        if (tr.mode === 'route') tr.dwell = PICKUP_DWELL_S;
        else {
          tr.mode = 'depot';
          tr.speedKmh = 0;
        }
      }
    }
  }

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const tr = this.trucks.get(d);
    const forced = this.world.reportIntervalS;
    if (!tr) {
      this.world.emit(d, 'truck-position', t, { lat: d.site.lat, lon: d.site.lon, speedKmh: 0 });
      return forced ?? TRUCK_IDLE_S;
    }
    const onRoute = tr.mode !== 'depot';
    const progress = tr.stops.length ? (100 * tr.i) / tr.stops.length : 100;
    this.world.emit(d, 'truck-position', t, {
      lat: r5(tr.pos[1]),
      lon: r5(tr.pos[0]),
      speedKmh: r1(tr.speedKmh),
      headingDeg: Math.round(tr.heading) % 360,
      routeId: tr.route.id,
      progressPct: r1(onRoute ? progress : 0),
    });
    return forced ?? (onRoute ? iv : TRUCK_IDLE_S);
  }

  private pickup(d: SimDevice, tr: TruckState, t: number): void {
    const bin = tr.stops[tr.i];
    const weightKg = this.bins.empty(bin, t);
    this.world.emit(d, 'truck-pickup', t, {
      binId: bin.site.id,
      routeId: tr.route.id,
      lat: r5(tr.pos[1]),
      lon: r5(tr.pos[0]),
      weightKg,
    });
    tr.i++;
    if (tr.i >= tr.stops.length) tr.mode = 'return';
  }
}
