import type { DeviceType, Domain } from './message-kind';

export type DeviceStatus = 'active' | 'disabled';

/** A device in the registry. `provisioned` is false for devices registered automatically on first message. */
export interface Device {
  readonly id: string;
  readonly type: DeviceType;
  readonly domain: Domain;
  readonly name: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly wardCode: string | null;
  readonly zoneId: string | null;
  readonly status: DeviceStatus;
  readonly provisioned: boolean;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
}
