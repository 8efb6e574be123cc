import type { DeviceMessage, FieldReport } from '@ioc/domain';

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

/** Stored field reports to the correlation role in the API's process (otherwise the API publishes to FieldReportStream). */
export class FieldReportTap extends InProcessTap<FieldReport> {}
