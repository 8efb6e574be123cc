import type { Receipt, ReceiptStatus } from '@ioc/contracts';
import type { UnitOutcome } from './ingest-pipeline';

/** The receipt of one publish (ReceiptSchema of the contract), from its committed outcome. */
export function receiptOf(o: UnitOutcome): Receipt {
  const accepted = o.stored.length + o.duplicates.length;
  const status: ReceiptStatus =
    o.quarantined.length === 0
      ? o.stored.length > 0 || accepted === 0
        ? 'stored'
        : 'duplicate'
      : accepted === 0
        ? 'quarantined'
        : 'partial';
  const entry = (m: UnitOutcome['stored'][number], s: 'stored' | 'duplicate') => ({
    msgId: m.msgId,
    deviceId: m.deviceId,
    kind: m.kind,
    status: s,
  });
  return {
    status,
    topic: o.topic,
    receivedAt: o.reply.receivedAt.toISOString(),
    messages: [...o.stored.map((m) => entry(m, 'stored')), ...o.duplicates.map((m) => entry(m, 'duplicate'))],
    rejected: o.quarantined.map((q) => ({
      code: q.code,
      reason: q.reason,
      msgId: q.msgId ?? null,
      deviceId: q.deviceId ?? null,
    })),
  };
}
