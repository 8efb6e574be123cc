import { r1, REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { normal } from '../rng';
import { tideLevelCm } from '../tide.model';

/**
 * A tide gauge on the Maspero. Gauge k (the last digit of its id) stands further up the river: the tide reaches it
 * 10 minutes later per gauge, and it reads 2 cm apart from its neighbours.
 */
export class TideGaugeModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S['tide-gauge']];

  constructor(private readonly world: DeviceWorld) {}

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const k = Number(d.site.id.slice(-1)) || 1;
    const ms = this.world.startMs + t * 1000 - (k - 1) * 600_000;
    const level = tideLevelCm(ms, this.world.scenario.tide ?? {}) + (k - 2) * 2 + normal(d.rng, 0, 0.8);
    this.world.emit(d, 'tide', t, { levelCm: r1(level), batteryPct: Math.round(d.battery) });
    return iv;
  }
}
