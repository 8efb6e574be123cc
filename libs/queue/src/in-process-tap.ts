import type { DeviceMessage, FieldReport, StoredIncidentEvent } from '@ioc/domain';

/**
 * In-process hand-over from one role to another running in the same process (listeners are called synchronously).
 * Between processes the matching Redis stream is the path.
 */
export class InProcessTap<T> {
  private readonly listeners = new Set<(items: readonly T[]) => void>();

  subscribe(listener: (items: readonly T[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  emit(items: readonly T[]): void {
    for (const l of this.listeners) l(items);
  }
}

/** Accepted messages before their commit: the fast path to the correlation role when it runs in the ingest process. */
export class AcceptedMessageTap extends InProcessTap<DeviceMessage> {}

/**
 * Committed incident events to the real-time feed of the API role in the same process, ahead of their round trip
 * through `stream:incident-events` (which still brings them, and every other process's: the feed drops a seq it has).
 */
export class IncidentEventTap extends InProcessTap<StoredIncidentEvent> {}

/** Stored field reports to the correlation role in the API's process (otherwise the API publishes to FieldReportStream). */
export class FieldReportTap extends InProcessTap<FieldReport> {}

/**
 * Ids of devices and gateways whose registration changed (created, disabled, deleted, reassigned): the ingest role in
 * the same process reloads its device directory at once; ingest processes elsewhere reload it periodically.
 */
export class RegistryChangeTap extends InProcessTap<string> {}
