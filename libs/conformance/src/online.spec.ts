import type { Receipt } from '@ioc/contracts';
import { checkOnline } from './online';
import { ConnectRefusedError, type ConformanceClient, type ConformanceConnector } from './mqtt-connector';
import { parsePayloadFile } from './ndjson';

/** A broker and IOC in a box: `answer` decides each publish's PUBACK code and receipt (undefined: none). */
function fakeConnector(answer: (topic: string, payload: string) => { puback: number; receipt?: Partial<Receipt> }) {
  const calls: Array<{ topic: string; responseTopic: string }> = [];
  const subscribed: string[] = [];
  const connector: ConformanceConnector = async () => {
    let listener: (t: string, p: Buffer, c: Buffer | undefined) => void = () => undefined;
    const client: ConformanceClient = {
      subscribe: async (topic) => {
        subscribed.push(topic);
        return topic.endsWith('/wl-2') ? 0x87 : 1;
      },
      publish: async (topic, payload, responseTopic, correlationData) => {
        calls.push({ topic, responseTopic });
        const a = answer(topic, payload.toString());
        if (a.receipt) {
          const r = { status: 'stored', topic, receivedAt: 'x', messages: [], rejected: [], ...a.receipt };
          // A rejection notice first (no correlation), then the receipt.
          setTimeout(() => {
            listener(responseTopic, Buffer.from('{"code":"SCHEMA_INVALID"}'), undefined);
            listener(responseTopic, Buffer.from(JSON.stringify(r)), correlationData);
          }, 5);
        }
        return a.puback;
      },
      onMessage: (l) => (listener = l),
      end: async () => undefined,
    };
    return client;
  };
  return { connector, calls, subscribed };
}

const line = (topic: string, payload: unknown) => JSON.stringify({ topic, payload });
const opts = { url: 'mqtt://x', username: 'wl-1', password: 'p', timeoutMs: 200 };

describe('checkOnline', () => {
  it('classifies refused, stored, quarantined and unanswered payloads, asking on the sender’s feedback topic', async () => {
    const file = parsePayloadFile(
      [
        line('ioc/v1/flood/wl-1/water-level', { msgId: 'ok' }),
        line('ioc/v1/flood/wl-2/water-level', { msgId: 'theirs' }),
        line('ioc/v1/flood/wl-1/water-level', { msgId: 'bad' }),
        line('ioc/v1/flood/wl-1/water-level', { msgId: 'silent' }),
        'not json',
      ].join('\n'),
    );
    const f = fakeConnector((topic, payload) => {
      if (topic.includes('wl-2')) return { puback: 0x87 };
      if (payload.includes('silent')) return { puback: 0 };
      if (payload.includes('bad'))
        return {
          puback: 0,
          receipt: {
            status: 'quarantined',
            rejected: [{ code: 'SCHEMA_INVALID', reason: 'r', msgId: 'bad', deviceId: 'wl-1' }],
          },
        };
      return {
        puback: 0,
        receipt: { messages: [{ msgId: 'ok', deviceId: 'wl-1', kind: 'water-level', status: 'stored' }] },
      };
    });
    const seen: string[] = [];
    const report = await checkOnline(file, { ...opts, onResult: (r) => seen.push(r.status) }, f.connector);
    expect(report.results.map((r) => [r.line, r.status, r.reasonCode])).toEqual([
      [1, 'stored', undefined],
      [2, 'refused', 0x87],
      [3, 'quarantined', undefined],
      [4, 'no-answer', undefined],
      [5, 'bad-line', undefined],
    ]);
    expect(seen[0]).toBe('bad-line'); // printed as they come
    expect(seen[seen.length - 1]).toBe('no-answer');
    expect(f.calls.map((c) => c.responseTopic)).toEqual([
      'ioc/feedback/v1/wl-1',
      'ioc/feedback/v1/wl-2',
      'ioc/feedback/v1/wl-1',
      'ioc/feedback/v1/wl-1',
    ]);
    expect(f.subscribed).toEqual(['ioc/feedback/v1/wl-1', 'ioc/feedback/v1/wl-2']);
    expect(report.notes).toEqual([
      'subscribing to ioc/feedback/v1/wl-2 was refused (0x87 not authorized): its receipts cannot be read',
    ]);
    expect(report.summary).toMatchObject({ stored: 1, refused: 1, quarantined: 1, 'no-answer': 1, 'bad-line': 1 });
    expect(report.ok).toBe(false);
  });

  it('passes when every payload is stored', async () => {
    const file = parsePayloadFile(line('ioc/v1/flood/wl-1/water-level', { msgId: 'a' }));
    const f = fakeConnector(() => ({ puback: 0, receipt: { status: 'duplicate' } }));
    const report = await checkOnline(file, opts, f.connector);
    expect(report.results.map((r) => r.status)).toEqual(['duplicate']);
    expect(report.ok).toBe(true);
  });

  it('refuses every payload with the CONNACK reason when the connection is refused', async () => {
    const file = parsePayloadFile(
      [line('ioc/v1/flood/wl-1/water-level', {}), line('ioc/v1/flood/wl-1/water-level', {})].join('\n'),
    );
    const report = await checkOnline(file, opts, async () => {
      throw new ConnectRefusedError('Connection refused: Not authorized', 0x87);
    });
    expect(report.results.map((r) => [r.status, r.reasonCode, r.detail])).toEqual([
      ['refused', 0x87, 'connection refused: 0x87 not authorized'],
      ['refused', 0x87, 'connection refused: 0x87 not authorized'],
    ]);
  });
});
