import {
  DEVICE_TYPE_OF_KIND,
  DOMAIN_OF_DEVICE_TYPE,
  type DeviceMessage,
  type DeviceStatus,
  type DeviceType,
  type RejectionCode,
} from '@ioc/domain';
import type { NewDevice } from '@ioc/storage';

/** A device as the hot path needs it: what it may send, whether it may, and the gateway it hangs off. */
export interface DirectoryDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly status: DeviceStatus;
  /** The gateway this device is assigned to; only that gateway may send its messages in a batch. */
  readonly gatewayId?: string;
}

/** A gateway of the registry: a disabled one is refused like an unknown one. */
export interface DirectoryGateway {
  readonly id: string;
  readonly status: DeviceStatus;
}

/** The whole registry, as {@link DeviceDirectory.replaceAll} takes it. */
export interface DirectorySnapshot {
  readonly devices: Iterable<DirectoryDevice>;
  readonly gateways: Iterable<DirectoryGateway>;
}

export type DeviceCheck =
  | { readonly ok: true; readonly newDevice?: NewDevice }
  | { readonly ok: false; readonly code: RejectionCode; readonly reason: string };

const OK: DeviceCheck = Object.freeze({ ok: true });

/**
 * In-memory view of the device registry for the hot path: is this device known, enabled, and of the type that
 * sends this kind of message; and for a gateway batch entry, is the gateway registered and enabled, and the device
 * assigned to it? Unknown devices are registered automatically or rejected, by policy. A device assigned to a
 * gateway may still publish on its own topic (devices fail over to a direct connection).
 *
 * The registry feeds it: {@link replaceAll} on (re)load, the upserts and removals when something changes.
 */
export class DeviceDirectory {
  private readonly devices = new Map<string, DirectoryDevice>();
  private readonly gateways = new Map<string, DirectoryGateway>();

  constructor(private readonly unknownDevices: 'register' | 'reject') {}

  replaceAll(devices: Iterable<DirectoryDevice>, gateways: Iterable<DirectoryGateway>): void {
    this.devices.clear();
    for (const d of devices) this.devices.set(d.id, d);
    this.gateways.clear();
    for (const g of gateways) this.gateways.set(g.id, g);
  }

  upsertDevice(device: DirectoryDevice): void {
    this.devices.set(device.id, device);
  }

  removeDevice(id: string): void {
    this.devices.delete(id);
  }

  upsertGateway(gateway: DirectoryGateway): void {
    this.gateways.set(gateway.id, gateway);
  }

  /** The devices assigned to it stay assigned; its batches are refused (`GATEWAY_UNKNOWN`) until it is back. */
  removeGateway(id: string): void {
    this.gateways.delete(id);
  }

  /** Devices known. */
  get size(): number {
    return this.devices.size;
  }

  get gatewayCount(): number {
    return this.gateways.size;
  }

  check(m: Pick<DeviceMessage, 'deviceId' | 'kind' | 'gatewayId'>): DeviceCheck {
    const known = this.devices.get(m.deviceId);
    if (m.gatewayId !== undefined) {
      const gateway = this.gateways.get(m.gatewayId);
      if (gateway === undefined) {
        // Gateways are registered only through the registry; `register` (development) lets unknown ones through.
        if (this.unknownDevices === 'reject') {
          return { ok: false, code: 'GATEWAY_UNKNOWN', reason: `gateway "${m.gatewayId}" is not registered` };
        }
      } else if (gateway.status === 'disabled') {
        return { ok: false, code: 'GATEWAY_UNKNOWN', reason: `gateway "${m.gatewayId}" is disabled` };
      } else if (known?.gatewayId !== m.gatewayId) {
        // Also for a device the registry does not know: a gateway learns nothing about devices that are not its own.
        return {
          ok: false,
          code: 'GATEWAY_DEVICE_NOT_ASSIGNED',
          reason: `device "${m.deviceId}" is not assigned to gateway "${m.gatewayId}"`,
        };
      }
    }
    const expected = DEVICE_TYPE_OF_KIND[m.kind];
    if (!known) {
      if (this.unknownDevices === 'reject') {
        return { ok: false, code: 'DEVICE_UNKNOWN', reason: `device "${m.deviceId}" is not registered` };
      }
      return { ok: true, newDevice: { id: m.deviceId, type: expected, domain: DOMAIN_OF_DEVICE_TYPE[expected] } };
    }
    if (known.status === 'disabled')
      return { ok: false, code: 'DEVICE_DISABLED', reason: `device "${m.deviceId}" is disabled` };
    if (known.type !== expected) {
      return {
        ok: false,
        code: 'DEVICE_KIND_MISMATCH',
        reason: `device "${m.deviceId}" is a ${known.type}; "${m.kind}" comes from a ${expected}`,
      };
    }
    return OK;
  }

  /** Called once the registering transaction has committed. */
  confirm(devices: readonly NewDevice[]): void {
    for (const d of devices)
      if (!this.devices.has(d.id)) this.devices.set(d.id, { id: d.id, type: d.type, status: 'active' });
  }
}

/** Latest time each device was heard from, flushed to the registry periodically rather than per message. */
export class LastSeenTracker {
  private pending = new Map<string, Date>();

  note(deviceId: string, at: Date): void {
    const prev = this.pending.get(deviceId);
    if (!prev || prev < at) this.pending.set(deviceId, at);
  }

  take(): Array<{ deviceId: string; lastSeen: Date }> {
    const out = [...this.pending].map(([deviceId, lastSeen]) => ({ deviceId, lastSeen }));
    this.pending = new Map();
    return out;
  }

  /** Puts back entries whose flush failed, keeping the newer time. */
  restore(entries: Array<{ deviceId: string; lastSeen: Date }>): void {
    for (const e of entries) this.note(e.deviceId, e.lastSeen);
  }
}
