import { REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { rainRateMmH } from '../weather.model';

/** A tipping-bucket rain gauge: the rain of the rain cells over it, summed between reports. */
export class RainGaugeModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S['rain-gauge']];
  private readonly acc = new Map<SimDevice, number>();

  constructor(private readonly world: DeviceWorld) {}

  add(d: SimDevice): void {
    this.acc.set(d, 0);
  }

  step(d: SimDevice, t: number, dtS: number): void {
    const ms = this.world.startMs + t * 1000;
    this.acc.set(d, this.acc.get(d)! + (rainRateMmH(this.world.rainCells, [d.site.lon, d.site.lat], ms) * dtS) / 3600);
  }

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const mm = Math.round(this.acc.get(d)! * 10) / 10;
    this.acc.set(d, 0);
    this.world.emit(d, 'rain', t, {
      rainMm: mm,
      intervalS: Math.max(1, Math.round(iv)),
      batteryPct: Math.round(d.battery),
    });
    return iv;
  }
}
