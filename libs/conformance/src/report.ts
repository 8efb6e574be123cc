import type { Receipt } from '@ioc/contracts';

/**
 * What became of one payload. Passing: stored, duplicate (online), accepted (offline: valid, next judged by the
 * registry). Failing: refused by the broker, quarantined by the IOC (partial: a batch partly quarantined), no answer
 * from the IOC within the timeout, or a line of the payload file that is no payload.
 */
export const CHECK_STATUSES = [
  'stored',
  'duplicate',
  'accepted',
  'refused',
  'quarantined',
  'partial',
  'no-answer',
  'bad-line',
] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const PASSING_STATUSES: ReadonlySet<CheckStatus> = new Set(['stored', 'duplicate', 'accepted']);

export interface CheckRejection {
  readonly code: string;
  readonly reason: string;
  readonly msgId: string | null;
  readonly deviceId: string | null;
}

export interface CheckResult {
  /** 1-based position among the payloads checked. */
  readonly index: number;
  /** Line of the payload file, when the payload came from one. */
  readonly line?: number;
  readonly topic: string;
  /** msgIds the payload carries (as far as they can be read). */
  readonly msgIds: readonly string[];
  readonly status: CheckStatus;
  /** MQTT reason code of a refusal (PUBACK or CONNACK, e.g. 135 = 0x87 not authorized). */
  readonly reasonCode?: number;
  /** One line: why it failed, or what was stored. */
  readonly detail: string;
  /** The IOC's refusals, from its receipt or (offline) from the decoder. */
  readonly rejected?: readonly CheckRejection[];
}

export type CheckMode = 'online' | 'offline';

export interface CheckReport {
  readonly mode: CheckMode;
  /** Online: the broker and the identity checked. */
  readonly url?: string;
  readonly username?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: readonly CheckResult[];
  readonly summary: Readonly<Record<CheckStatus, number>>;
  /** Every payload passed: the exit code is 0. */
  readonly ok: boolean;
  /** Things the run noticed that are not one payload's (a feedback subscription refused, …). */
  readonly notes: readonly string[];
}

const MQTT_REASONS: Readonly<Record<number, string>> = {
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8c: 'bad authentication method',
  0x90: 'topic name invalid',
  0x91: 'packet identifier in use',
  0x95: 'packet too large',
  0x97: 'quota exceeded',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported',
  0x9b: 'QoS not supported',
  0x9f: 'connection rate exceeded',
};

/** `0x87 not authorized` for 135. */
export function describeReasonCode(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')} ${MQTT_REASONS[code] ?? 'error'}`;
}

/** The msgIds of a payload, for the report: a message's own, or a gateway batch's entries'. Never throws. */
export function msgIdsOf(payload: Buffer): string[] {
  try {
    const v = JSON.parse(payload.toString('utf8')) as unknown;
    const id = (x: unknown) => (x && typeof x === 'object' ? (x as { msgId?: unknown }).msgId : undefined);
    const list = Array.isArray(v)
      ? v
      : Array.isArray((v as { messages?: unknown })?.messages)
        ? (v as { messages: unknown[] }).messages
        : [v];
    return list.map(id).filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}

const rejectionsText = (rejected: readonly CheckRejection[]) =>
  rejected.map((r) => `${r.code}: ${r.reason}${r.msgId ? ` (${r.msgId})` : ''}`).join('; ');

/** A payload's result from the IOC's receipt of it. */
export function fromReceipt(base: Omit<CheckResult, 'status' | 'detail'>, receipt: Receipt): CheckResult {
  const rejected = receipt.rejected.map((r) => ({
    code: r.code,
    reason: r.reason,
    msgId: r.msgId,
    deviceId: r.deviceId,
  }));
  const stored = receipt.messages.filter((m) => m.status === 'stored').length;
  const duplicates = receipt.messages.length - stored;
  const counts = [stored ? `${stored} stored` : '', duplicates ? `${duplicates} duplicate` : '']
    .filter(Boolean)
    .join(', ');
  switch (receipt.status) {
    case 'stored':
    case 'duplicate':
      return { ...base, status: receipt.status, detail: counts || 'nothing to store' };
    case 'quarantined':
      return { ...base, status: 'quarantined', detail: rejectionsText(rejected), rejected };
    case 'partial':
      return { ...base, status: 'partial', detail: `${counts}; quarantined: ${rejectionsText(rejected)}`, rejected };
  }
}

/**
 * A payload the broker refused (PUBACK reason code ≥ 0x80), or every payload of a refused connection (CONNACK reason
 * code, or no code when the connection could not be made at all); `why` explains a refusal without a code.
 */
export function refused(
  base: Omit<CheckResult, 'status' | 'detail'>,
  reasonCode: number | undefined,
  why: string,
  at: 'publish' | 'connect' = 'publish',
): CheckResult {
  const what = reasonCode === undefined ? why : describeReasonCode(reasonCode);
  return {
    ...base,
    status: 'refused',
    ...(reasonCode === undefined ? {} : { reasonCode }),
    detail: at === 'connect' ? `connection refused: ${what}` : `refused by the broker: ${what}`,
  };
}

export function noAnswer(base: Omit<CheckResult, 'status' | 'detail'>, timeoutS: number, hint?: string): CheckResult {
  return {
    ...base,
    status: 'no-answer',
    detail: `no receipt from the IOC within ${timeoutS} s${hint ? ` (${hint})` : ''}`,
  };
}

export function emptySummary(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

/** The report of a finished run, results in input order. */
export function buildReport(args: {
  mode: CheckMode;
  url?: string;
  username?: string;
  startedAt: Date;
  finishedAt: Date;
  results: readonly CheckResult[];
  notes?: readonly string[];
}): CheckReport {
  const results = [...args.results].sort((a, b) => a.index - b.index);
  const summary = emptySummary();
  for (const r of results) summary[r.status]++;
  return {
    mode: args.mode,
    ...(args.url === undefined ? {} : { url: args.url }),
    ...(args.username === undefined ? {} : { username: args.username }),
    startedAt: args.startedAt.toISOString(),
    finishedAt: args.finishedAt.toISOString(),
    results,
    summary,
    ok: results.length > 0 && results.every((r) => PASSING_STATUSES.has(r.status)),
    notes: args.notes ?? [],
  };
}

/** 0 when every payload passed; 1 otherwise (a refusal, a quarantine, no answer, a bad line, or nothing to check). */
export function exitCodeOf(report: Pick<CheckReport, 'ok'>): number {
  return report.ok ? 0 : 1;
}

const LABEL: Readonly<Record<CheckStatus, string>> = {
  stored: 'STORED',
  duplicate: 'DUPLICATE',
  accepted: 'ACCEPTED',
  refused: 'REFUSED',
  quarantined: 'QUARANTINED',
  partial: 'PARTIAL',
  'no-answer': 'NO ANSWER',
  'bad-line': 'BAD LINE',
};

/** One row of the readable table, printed as the result comes in. */
export function formatResult(r: CheckResult): string {
  const where = r.line === undefined ? `#${r.index}` : `line ${r.line}`;
  const mark = PASSING_STATUSES.has(r.status) ? 'ok  ' : 'FAIL';
  return `${mark} ${where.padEnd(9)} ${LABEL[r.status].padEnd(11)} ${r.topic}${r.msgIds.length ? ` [${r.msgIds.join(', ')}]` : ''}\n       ${r.detail}`;
}

/** The summary under the table. */
export function formatSummary(report: CheckReport): string {
  const counts = CHECK_STATUSES.filter((s) => report.summary[s] > 0)
    .map((s) => `${report.summary[s]} ${LABEL[s].toLowerCase()}`)
    .join(', ');
  const lines = [
    `${report.results.length} payload${report.results.length === 1 ? '' : 's'} checked${report.mode === 'offline' ? ' offline (no broker, no registry)' : ` as ${report.username} on ${report.url}`}: ${counts || 'none'}`,
    ...report.notes.map((n) => `note: ${n}`),
    report.ok
      ? 'PASS: every payload was ' + (report.mode === 'offline' ? 'accepted by the decoder' : 'stored by the IOC')
      : 'FAIL: fix the payloads marked FAIL before the acceptance test',
  ];
  return lines.join('\n');
}
