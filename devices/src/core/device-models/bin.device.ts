import { r1, REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { normal, uniform } from '../rng';
import { clockMinutes, localHour, localMidnight, localWeekday } from '../time';
import { fillAfter, fillRatePctH, pickupWeightKg } from '../waste.model';

interface BinState {
  /** Fill, %, as of simulated second `fillT`. */
  fill: number;
  fillT: number;
}

/** A bin's fill-level sensor (fill, temperature, tilt): the bin fills by its land use's profile and empties at a pick-up. */
export class BinModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S.bin];
  private readonly bins = new Map<SimDevice, BinState>();

  constructor(private readonly world: DeviceWorld) {}

  add(d: SimDevice): void {
    this.bins.set(d, { fill: 0, fillT: 0 });
  }

  /** Each bin starts as full as the time since its route's last shift made it. */
  start(): void {
    const startMs = this.world.startMs;
    for (const [d, bin] of this.bins) {
      const route = this.world.routes.find((r) => r.id === d.site.routeId);
      let since = 12 * 3600;
      if (route?.shifts.length) {
        const pos = route.binIds.indexOf(d.site.id);
        since = Math.min(
          ...route.shifts.map((s) => {
            const at = localMidnight(startMs) + clockMinutes(s.start) * 60_000 + 900_000 + pos * 75_000;
            const ago = (startMs - at) / 1000;
            return ago > 0 ? ago : ago + 86400;
          }),
        );
      }
      bin.fill = 0;
      bin.fillT = -since;
      this.fillTo(d, bin, 0);
    }
  }

  /** The bin's fill (%) at simulated second t. */
  fillAt(d: SimDevice, t: number): number {
    const bin = this.bins.get(d);
    if (!bin) throw new Error(`no bin ${d.site.id}`);
    this.fillTo(d, bin, t);
    return bin.fill;
  }

  /** A truck empties the bin at t: the weight it took, kg. */
  empty(d: SimDevice, t: number): number {
    const weight = pickupWeightKg(this.fillAt(d, t));
    this.bins.get(d)!.fill = r1(uniform(d.rng, 0, 2));
    return weight;
  }

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const fill = this.fillAt(d, t);
    const ms = this.world.startMs + t * 1000;
    const ambient = 27 + 4 * Math.sin(((localHour(ms) - 9) / 24) * 2 * Math.PI);
    const fire = this.world.fault(d, 'bin-fire', t);
    const temp = ambient + (fire ? Math.min(180, ((t - fire.fromT) / 60) * 4) : 0) + normal(d.rng, 0, 0.3);
    this.world.emit(d, 'bin-fill', t, {
      fillPct: r1(fill),
      temperatureC: r1(temp),
      tiltDeg: d.tilt,
      batteryPct: Math.round(d.battery),
    });
    return iv;
  }

  private fillTo(d: SimDevice, bin: BinState, t: number): void {
    // Integrate in ≤ 15-minute pieces so the hourly profile is followed.
    while (bin.fillT < t) {
      const step = Math.min(900, t - bin.fillT);
      const ms = this.world.startMs + (bin.fillT + step / 2) * 1000;
      const ctx = {
        localHour: localHour(ms),
        weekday: localWeekday(ms),
        surge: this.world.surgeOf(d.landUse),
        festivalCrowd: this.world.festivalCrowd(bin.fillT),
      };
      bin.fill = fillAfter(bin.fill, fillRatePctH(d.landUse, d.factor, ctx), step / 3600);
      bin.fillT += step;
    }
  }
}
