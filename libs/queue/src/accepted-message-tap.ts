import type { DeviceMessage } from '@ioc/domain';

export type AcceptedMessageListener = (messages: readonly DeviceMessage[]) => void;

/**
 * In-process hand-over of accepted messages before their commit (the fast path to the correlation role when it runs
 * in the ingest process). The post-commit Redis stream stays the path between processes.
 */
export class AcceptedMessageTap {
  private readonly listeners = new Set<AcceptedMessageListener>();

  subscribe(listener: AcceptedMessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  emit(messages: readonly DeviceMessage[]): void {
    for (const l of this.listeners) l(messages);
  }
}
