import type { DeviceType } from '@ioc/domain';
import type { DeviceModel, DeviceWorld } from './device-model';
import { BinModel } from './device-models/bin.device';
import { CameraModel } from './device-models/camera.device';
import { PumpModel } from './device-models/pump.device';
import { RainGaugeModel } from './device-models/rain-gauge.device';
import { SluiceGateModel } from './device-models/sluice-gate.device';
import { TideGaugeModel } from './device-models/tide-gauge.device';
import { TruckModel } from './device-models/truck.device';
import { WaterLevelSensorModel } from './device-models/water-level-sensor.device';

/** One model per device type, every type (the mapped type makes a missing or unknown one a compile error). */
export type DeviceModels = { readonly [T in DeviceType]: DeviceModel } & { readonly bin: BinModel };

export function createDeviceModels(world: DeviceWorld): DeviceModels {
  const bin = new BinModel(world);
  return {
    'water-level-sensor': new WaterLevelSensorModel(world),
    'rain-gauge': new RainGaugeModel(world),
    'tide-gauge': new TideGaugeModel(world),
    pump: new PumpModel(world),
    'sluice-gate': new SluiceGateModel(world),
    bin,
    // A truck empties the bins of its route.
    truck: new TruckModel(world, bin),
    camera: new CameraModel(world),
  };
}
