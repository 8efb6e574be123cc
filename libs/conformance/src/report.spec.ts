import type { Receipt } from '@ioc/contracts';
import {
  buildReport,
  describeReasonCode,
  exitCodeOf,
  formatResult,
  formatSummary,
  fromReceipt,
  msgIdsOf,
  noAnswer,
  refused,
  type CheckResult,
} from './report';

const base = { index: 1, topic: 'ioc/v1/flood/wl-1/water-level', msgIds: ['m-1'] };
const receipt = (r: Partial<Receipt>): Receipt => ({
  status: 'stored',
  topic: base.topic,
  receivedAt: '2026-11-21T03:00:00.000Z',
  messages: [],
  rejected: [],
  ...r,
});
const at = new Date('2026-11-21T03:00:00.000Z');

describe('classifying a payload', () => {
  it('takes stored, duplicate, quarantined and partial from the receipt', () => {
    const msg = { msgId: 'm-1', deviceId: 'wl-1', kind: 'water-level' as const };
    expect(fromReceipt(base, receipt({ messages: [{ ...msg, status: 'stored' }] }))).toMatchObject({
      status: 'stored',
      detail: '1 stored',
    });
    expect(
      fromReceipt(base, receipt({ status: 'duplicate', messages: [{ ...msg, status: 'duplicate' }] })),
    ).toMatchObject({ status: 'duplicate', detail: '1 duplicate' });
    const rejected = [
      {
        code: 'SCHEMA_INVALID' as const,
        reason: 'water-level: /levelCm must be <= 500',
        msgId: 'm-1',
        deviceId: 'wl-1',
      },
    ];
    expect(fromReceipt(base, receipt({ status: 'quarantined', rejected }))).toEqual({
      ...base,
      status: 'quarantined',
      detail: 'SCHEMA_INVALID: water-level: /levelCm must be <= 500 (m-1)',
      rejected,
    });
    expect(
      fromReceipt(base, receipt({ status: 'partial', messages: [{ ...msg, status: 'stored' }], rejected })),
    ).toMatchObject({
      status: 'partial',
      detail: '1 stored; quarantined: SCHEMA_INVALID: water-level: /levelCm must be <= 500 (m-1)',
    });
  });

  it("names the broker's reason code", () => {
    expect(describeReasonCode(135)).toBe('0x87 not authorized');
    expect(describeReasonCode(0xab)).toBe('0xab error');
    expect(refused(base, 135, '')).toMatchObject({
      status: 'refused',
      reasonCode: 135,
      detail: 'refused by the broker: 0x87 not authorized',
    });
    expect(refused(base, undefined, 'connect ECONNREFUSED 127.0.0.1:8883', 'connect')).toEqual({
      ...base,
      status: 'refused',
      detail: 'connection refused: connect ECONNREFUSED 127.0.0.1:8883',
    });
    expect(noAnswer(base, 2.5).detail).toBe('no receipt from the IOC within 2.5 s');
  });

  it("reads a payload's msgIds, of one message or a batch, and never throws", () => {
    expect(msgIdsOf(Buffer.from('{"msgId":"a"}'))).toEqual(['a']);
    expect(msgIdsOf(Buffer.from('{"messages":[{"msgId":"a"},{"msgId":"b"},{}]}'))).toEqual(['a', 'b']);
    expect(msgIdsOf(Buffer.from('not json'))).toEqual([]);
    expect(msgIdsOf(Buffer.from('null'))).toEqual([]);
  });
});

describe('the report', () => {
  const result = (index: number, status: CheckResult['status']): CheckResult => ({
    ...base,
    index,
    status,
    detail: status,
  });

  it('passes (exit 0) only when every payload was stored, a duplicate or accepted', () => {
    const report = (...s: CheckResult['status'][]) =>
      buildReport({ mode: 'online', startedAt: at, finishedAt: at, results: s.map((x, i) => result(i + 1, x)) });
    expect(exitCodeOf(report('stored', 'duplicate'))).toBe(0);
    expect(exitCodeOf(report('accepted'))).toBe(0);
    for (const failing of ['refused', 'quarantined', 'partial', 'no-answer', 'bad-line'] as const)
      expect(exitCodeOf(report('stored', failing))).toBe(1);
    expect(exitCodeOf(report())).toBe(1); // nothing checked proves nothing
  });

  it('counts by status, orders by position and prints a table row and a summary', () => {
    const r = buildReport({
      mode: 'online',
      url: 'mqtts://ioc.example:8883',
      username: 'wl-1',
      startedAt: at,
      finishedAt: at,
      results: [result(2, 'refused'), result(1, 'stored')],
      notes: ['something noticed'],
    });
    expect(r.results.map((x) => x.index)).toEqual([1, 2]);
    expect(r.summary).toMatchObject({ stored: 1, refused: 1, quarantined: 0 });
    expect(r.ok).toBe(false);
    expect(formatResult({ ...result(1, 'stored'), line: 3 })).toBe(
      'ok   line 3    STORED      ioc/v1/flood/wl-1/water-level [m-1]\n       stored',
    );
    expect(formatResult(result(2, 'refused')).startsWith('FAIL #2        REFUSED')).toBe(true);
    expect(formatSummary(r)).toBe(
      [
        '2 payloads checked as wl-1 on mqtts://ioc.example:8883: 1 stored, 1 refused',
        'note: something noticed',
        'FAIL: fix the payloads marked FAIL before the acceptance test',
      ].join('\n'),
    );
  });
});
