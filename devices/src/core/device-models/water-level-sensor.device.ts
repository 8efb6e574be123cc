import { r1, REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { normal } from '../rng';

/** A street water-level sensor (ultrasonic, cm above the road): its catchment's ponding depth where it stands. */
export class WaterLevelSensorModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S['water-level-sensor']];

  constructor(private readonly world: DeviceWorld) {}

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const depth = d.catchment?.state.depthCm ?? 0;
    const level = Math.max(-2, depth * (d.site.depthFactor ?? 1) + normal(d.rng, 0, 0.3));
    this.world.emit(d, 'water-level', t, { levelCm: r1(level), batteryPct: Math.round(d.battery) });
    return iv;
  }
}
