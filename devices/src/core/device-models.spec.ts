import { loadCity } from '@ioc/city';
import { DEVICE_TYPES } from '@ioc/domain';
import { REPORT_INTERVAL_S } from './device-model';
import { createDeviceModels } from './device-models';
import { loadScenario } from '../scenario.loader';
import { Simulation } from './simulation';

describe('device models', () => {
  it('one per device type, reading at the type’s interval; a camera also reports its health', () => {
    const models = createDeviceModels(
      new Simulation({ city: loadCity(), scenario: loadScenario('normal-day'), seed: 1, devices: 100 }),
    );
    expect(Object.keys(models).sort()).toEqual([...DEVICE_TYPES].sort());
    for (const type of DEVICE_TYPES) expect(models[type].channelIntervalsS[0]).toBe(REPORT_INTERVAL_S[type]);
    expect(models.camera.channelIntervalsS).toEqual([60, 300]);
  });
});
