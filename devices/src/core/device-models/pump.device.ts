import { REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { normal } from '../rng';

/** A drainage pump: whether its catchment's control runs it (the world decides), or its motor fault. */
export class PumpModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S.pump];

  constructor(private readonly world: DeviceWorld) {}

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const running = d.catchment?.pumps.find((p) => p.device === d)?.running ?? false;
    const body: Record<string, unknown> = this.world.fault(d, 'pump-failure', t)
      ? { status: 'fault', flowM3h: 0, faultCode: 'E21-MOTOR-TRIP' }
      : { status: running ? 'running' : 'stopped', flowM3h: running ? Math.round(normal(d.rng, 2400, 40)) : 0 };
    this.world.emit(d, 'pump', t, body);
    return iv;
  }
}
