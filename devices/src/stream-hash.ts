import { createHash } from 'node:crypto';
import type { SimMessage } from './core/simulation';

/** The bytes a message puts on the wire (raw text for a broken payload). */
export const payloadOf = (m: SimMessage): string => m.raw ?? JSON.stringify(m.body);

/** SHA-256 over the delivered stream (delivery time, device, kind, payload): equal hashes, identical streams. */
export class StreamHash {
  private readonly h = createHash('sha256');
  count = 0;
  add(messages: readonly SimMessage[]): void {
    for (const m of messages) {
      this.h.update(`${m.sendT}|${m.deviceId}|${m.kind}|${payloadOf(m)}\n`);
      this.count++;
    }
  }
  digest(): string {
    return this.h.digest('hex');
  }
}
