import { REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';

/** A tidal sluice gate: closed against a high river by its catchment's control (the world decides), or its actuator fault. */
export class SluiceGateModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S['sluice-gate']];

  constructor(private readonly world: DeviceWorld) {}

  report(d: SimDevice, _ch: number, t: number, iv: number): number {
    const gate = d.catchment?.gate;
    const closed = gate?.device === d && gate.closed;
    this.world.emit(
      d,
      'sluice-gate',
      t,
      this.world.fault(d, 'gate-failure', t)
        ? { status: 'fault', openingPct: 100, faultCode: 'G07-ACTUATOR' }
        : { status: closed ? 'closed' : 'open', openingPct: closed ? 0 : 100 },
    );
    return iv;
  }
}
