import { createMessageValidators, MessageDecoder, type DecodeOptions } from '@ioc/contracts';
import type { ParsedPayloadFile } from './ndjson';
import { buildReport, msgIdsOf, type CheckReport, type CheckResult } from './report';

/** The IOC's defaults (INGEST_MAX_PAYLOAD_BYTES, INGEST_MAX_FUTURE_SKEW_S, INGEST_MAX_AGE_S). */
export const IOC_DECODE_DEFAULTS: DecodeOptions = {
  maxPayloadBytes: 262_144,
  maxFutureSkewMs: 10 * 60_000,
  maxAgeMs: 30 * 86_400_000,
};

/** Results of the file's bad lines, in the file's order with the payloads. */
export function badLineResults(
  file: ParsedPayloadFile,
): Array<{ line: number; result: (index: number) => CheckResult }> {
  return file.badLines.map((b) => ({
    line: b.line,
    result: (index) => ({ index, line: b.line, topic: '', msgIds: [], status: 'bad-line', detail: b.reason }),
  }));
}

/**
 * Every payload of the file through the IOC's own decoder (topic, size, UTF-8, JSON, schema, device id, time), with
 * no broker and no registry: accepted means the registry (is the device known, enabled, of a type sending this kind?)
 * and the rate judge it next.
 */
export function checkOffline(
  file: ParsedPayloadFile,
  opts: { decoder?: MessageDecoder; now?: () => Date; onResult?: (r: CheckResult) => void } = {},
): CheckReport {
  const now = opts.now ?? (() => new Date());
  const decoder = opts.decoder ?? new MessageDecoder(createMessageValidators(), IOC_DECODE_DEFAULTS);
  const startedAt = now();
  const items = [
    ...file.entries.map((e) => ({
      line: e.line ?? 0,
      result: (index: number): CheckResult => {
        const { accepted, rejected } = decoder.decode(e.topic, e.payload, now());
        const base = { index, line: e.line, topic: e.topic, msgIds: msgIdsOf(e.payload) };
        const rejections = rejected.map((q) => ({
          code: q.code,
          reason: q.reason,
          msgId: q.msgId ?? null,
          deviceId: q.deviceId ?? null,
        }));
        const text = rejections.map((r) => `${r.code}: ${r.reason}`).join('; ');
        const kinds = [...new Set(accepted.map((m) => `${m.kind} of ${m.deviceId}`))].join(', ');
        if (rejected.length === 0)
          return { ...base, status: 'accepted', detail: `valid (${kinds}); the registry judges the device next` };
        if (accepted.length === 0) return { ...base, status: 'quarantined', detail: text, rejected: rejections };
        return { ...base, status: 'partial', detail: `valid: ${kinds}; quarantined: ${text}`, rejected: rejections };
      },
    })),
    ...badLineResults(file),
  ].sort((a, b) => a.line - b.line);
  const results = items.map((it, i) => {
    const r = it.result(i + 1);
    opts.onResult?.(r);
    return r;
  });
  return buildReport({ mode: 'offline', startedAt, finishedAt: now(), results });
}
