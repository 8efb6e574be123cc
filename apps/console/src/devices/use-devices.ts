import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DeviceDto, IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { CityModel } from '../city/city-model';
import type { DeviceRow } from './device-health-view';
import { deviceHealth } from './device-health';

const DEVICES_EVERY_MS = 30_000;
/** Until the first answer: one empty list, so what is derived from it is not derived again at each render. */
const NO_ROWS: readonly DeviceRow[] = [];

/** Each device with its health as of `now` and its ward: the registry's, else where the city model places it. */
export function toDeviceRows(devices: readonly DeviceDto[], city: CityModel, now: number): DeviceRow[] {
  return devices.map((device) => ({
    device,
    health: deviceHealth(device, now),
    ward:
      (device.ward ?? undefined) ||
      (device.lat != null && device.lon != null ? city.wardAt([device.lon, device.lat]) : undefined),
  }));
}

/**
 * The device registry (`GET /api/v1/devices`, every 30 s) as rows: the map's devices and the Devices tab. Health is
 * judged when an answer comes, until the next one.
 */
export function useDeviceRows(api: IocApi, city: CityModel): readonly DeviceRow[] {
  const rows = useCallback((devices: DeviceDto[]) => toDeviceRows(devices, city, Date.now()), [city]);
  const { data } = useQuery({
    queryKey: queryKeys.devices(),
    queryFn: () => api.devices(),
    ...pollEvery(DEVICES_EVERY_MS),
    select: rows,
  });
  return data ?? NO_ROWS;
}
