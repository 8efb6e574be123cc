import { randomBytes } from 'node:crypto';
import { feedbackTopic, senderFeedbackTopic, type Receipt } from '@ioc/contracts';
import type { ParsedPayloadFile } from './ndjson';
import { badLineResults } from './offline';
import { ConnectRefusedError, type ConformanceConnector } from './mqtt-connector';
import {
  buildReport,
  describeReasonCode,
  fromReceipt,
  msgIdsOf,
  noAnswer,
  refused,
  type CheckReport,
  type CheckResult,
} from './report';

export interface OnlineCheckOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly ca?: Buffer;
  /** How long, after the last publish, to wait for the IOC's receipts. */
  readonly timeoutMs: number;
  readonly onResult?: (r: CheckResult) => void;
  readonly now?: () => Date;
}

function isReceipt(v: unknown): v is Receipt {
  const r = v as Partial<Receipt> | null;
  return (
    !!r &&
    typeof r === 'object' &&
    ['stored', 'duplicate', 'quarantined', 'partial'].includes(r.status as string) &&
    Array.isArray(r.messages) &&
    Array.isArray(r.rejected)
  );
}

/**
 * Publishes every payload as the integrator's identity, each at QoS 1 asking for a receipt (responseTopic = the
 * sender's feedback topic, a fresh correlationData), and classifies it: refused by the broker (PUBACK ≥ 0x80; every
 * payload when the connection is refused), stored, duplicate or quarantined by the IOC (its receipt), or no answer
 * within the timeout. Results are told to `onResult` as they come in.
 */
export async function checkOnline(
  file: ParsedPayloadFile,
  opts: OnlineCheckOptions,
  connector: ConformanceConnector,
): Promise<CheckReport> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const results: CheckResult[] = [];
  const notes: string[] = [];
  const emit = (r: CheckResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  // Positions in the file's order, bad lines included.
  const order = [
    ...file.entries.map((e, i) => ({ line: e.line ?? i + 1, entry: e, bad: undefined })),
    ...badLineResults(file).map((b) => ({ line: b.line, entry: undefined, bad: b })),
  ].sort((a, b) => a.line - b.line);
  const items = order.map((o, i) => ({ ...o, index: i + 1 }));
  for (const it of items) if (it.bad) emit(it.bad.result(it.index));
  const payloads = items.flatMap((it) =>
    it.entry
      ? [
          {
            index: it.index,
            entry: it.entry,
            base: { index: it.index, line: it.entry.line, topic: it.entry.topic, msgIds: msgIdsOf(it.entry.payload) },
          },
        ]
      : [],
  );
  const report = () =>
    buildReport({
      mode: 'online',
      url: opts.url,
      username: opts.username,
      startedAt,
      finishedAt: now(),
      results,
      notes,
    });
  const timeoutS = Math.round(opts.timeoutMs / 100) / 10;

  let client;
  try {
    client = await connector({
      url: opts.url,
      username: opts.username,
      password: opts.password,
      clientId: opts.username,
      ca: opts.ca,
      connectTimeoutMs: Math.max(opts.timeoutMs, 5000),
    });
  } catch (err) {
    const code = err instanceof ConnectRefusedError ? err.reasonCode : undefined;
    const why = (err as Error)?.message ?? String(err);
    notes.push(`the connection was refused: ${code === undefined ? why : describeReasonCode(code)}`);
    for (const p of payloads) emit(refused(p.base, code, why, 'connect'));
    return report();
  }

  try {
    const pending = new Map<string, (receipt: Receipt) => void>();
    let allAnswered: () => void = () => undefined;
    client.onMessage((_topic, payload, correlationData) => {
      const settle = correlationData && pending.get(correlationData.toString('hex'));
      if (!settle) return; // a rejection notice, or another run's receipt
      let receipt: unknown;
      try {
        receipt = JSON.parse(payload.toString('utf8'));
      } catch {
        return;
      }
      if (!isReceipt(receipt)) return;
      settle(receipt);
    });

    // Subscribe to every feedback topic the receipts will come on (and the identity's own).
    const feedback = new Set([feedbackTopic(opts.username)]);
    for (const p of payloads) feedback.add(senderFeedbackTopic(p.entry.topic) ?? feedbackTopic(opts.username));
    const unreadable = new Set<string>();
    for (const topic of feedback) {
      const granted = await client.subscribe(topic).catch(() => 0x80);
      if (granted >= 0x80) {
        unreadable.add(topic);
        notes.push(`subscribing to ${topic} was refused (${describeReasonCode(granted)}): its receipts cannot be read`);
      }
    }

    const waiting = new Map<number, { base: (typeof payloads)[number]['base']; hint?: string }>();
    for (const p of payloads) {
      const own = senderFeedbackTopic(p.entry.topic);
      const responseTopic = own ?? feedbackTopic(opts.username);
      const correlation = randomBytes(16);
      const key = correlation.toString('hex');
      pending.set(key, (receipt) => {
        pending.delete(key);
        waiting.delete(p.index);
        emit(fromReceipt(p.base, receipt));
        if (waiting.size === 0) allAnswered();
      });
      waiting.set(p.index, {
        base: p.base,
        hint:
          own === undefined
            ? 'the topic names no device or gateway, so the IOC answers nobody'
            : unreadable.has(responseTopic)
              ? `${responseTopic} cannot be read by ${opts.username}`
              : undefined,
      });
      let code: number;
      try {
        code = await client.publish(p.entry.topic, p.entry.payload, responseTopic, correlation);
      } catch (err) {
        pending.delete(key);
        waiting.delete(p.index);
        emit(refused(p.base, undefined, `the publish did not complete (${(err as Error)?.message ?? String(err)})`));
        continue;
      }
      if (code >= 0x80) {
        pending.delete(key);
        waiting.delete(p.index);
        emit(refused(p.base, code, ''));
      }
    }

    if (waiting.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.timeoutMs);
        allAnswered = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const [, w] of [...waiting].sort(([a], [b]) => a - b)) emit(noAnswer(w.base, timeoutS, w.hint));
    pending.clear();
  } finally {
    await client.end().catch(() => undefined);
  }
  return report();
}
