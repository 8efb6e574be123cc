import { parsePayloadFile } from './ndjson';

describe('parsePayloadFile', () => {
  it('reads one payload per line, JSON values as their text and strings as they are; skips blank lines', () => {
    const file = parsePayloadFile(
      [
        '{"topic": "ioc/v1/flood/wl-1/water-level", "payload": {"msgId": "m-1", "levelCm": 2}}',
        '',
        '   ',
        '{"topic": "ioc/v1/flood/wl-1/water-level", "payload": "levelCm=18.5"}\r',
      ].join('\n'),
    );
    expect(file.badLines).toEqual([]);
    expect(file.entries.map((e) => [e.line, e.topic, e.payload.toString()])).toEqual([
      [1, 'ioc/v1/flood/wl-1/water-level', '{"msgId":"m-1","levelCm":2}'],
      [4, 'ioc/v1/flood/wl-1/water-level', 'levelCm=18.5'],
    ]);
  });

  it('reports each bad line with its number and why', () => {
    const file = parsePayloadFile(
      [
        '{"topic": "t", "payload": 1}',
        'not json',
        '[1]',
        '{"payload": {}}',
        '{"topic": "t"}',
        '{"topic": "t", "payload": {}, "qos": 1}',
      ].join('\n'),
    );
    expect(file.entries.map((e) => e.line)).toEqual([1]);
    expect(file.badLines.map((b) => b.line)).toEqual([2, 3, 4, 5, 6]);
    expect(file.badLines.map((b) => b.reason)).toEqual([
      expect.stringMatching(/^not JSON/),
      'expected an object {"topic": "...", "payload": ...}',
      '"topic" must be a non-empty string',
      '"payload" is missing',
      'unknown property "qos"',
    ]);
  });
});
