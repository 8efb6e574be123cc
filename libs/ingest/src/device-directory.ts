import {
  DEVICE_TYPE_OF_KIND,
  DOMAIN_OF_DEVICE_TYPE,
  type DeviceMessage,
  type DeviceStatus,
  type DeviceType,
  type RejectionCode,
} from '@ioc/domain';
import type { NewDevice } from '@ioc/storage';

export interface DirectoryEntry {
  readonly id: string;
  readonly type: DeviceType;
  readonly status: DeviceStatus;
}

export type DeviceCheck =
  | { readonly ok: true; readonly newDevice?: NewDevice }
  | { readonly ok: false; readonly code: RejectionCode; readonly reason: string };

/**
 * In-memory view of the device registry for the hot path: is this device known, enabled, and of the type that
 * sends this kind of message? Unknown devices are registered automatically or rejected, by policy.
 */
export class DeviceDirectory {
  private readonly devices = new Map<string, DirectoryEntry>();

  constructor(private readonly unknownDevices: 'register' | 'reject') {}

  replaceAll(entries: Iterable<DirectoryEntry>): void {
    this.devices.clear();
    for (const e of entries) this.devices.set(e.id, e);
  }

  get size(): number {
    return this.devices.size;
  }

  check(m: Pick<DeviceMessage, 'deviceId' | 'kind'>): DeviceCheck {
    const expected = DEVICE_TYPE_OF_KIND[m.kind];
    const known = this.devices.get(m.deviceId);
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
    return { ok: true };
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
