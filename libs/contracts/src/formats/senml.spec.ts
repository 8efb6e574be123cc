import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageValidators } from '../validation';
import { MessageDecoder } from '../message-decoder';
import { SENML_MEASUREMENTS, translateSenml } from './senml';
import { derivedMsgId, type TranslateContext } from './translation';

const receivedAt = new Date('2026-11-21T03:00:00.000Z');
const NOW_S = receivedAt.getTime() / 1000; // 1795230000
const device: TranslateContext = { deviceId: 'wl-p3-007', receivedAt };
const gateway: TranslateContext = { receivedAt };
const iso = (s: number) => new Date(s * 1000).toISOString();

describe('translateSenml', () => {
  it('turns a single record into one native message with a derived msgId', () => {
    const r = translateSenml([{ n: 'water-level', u: 'cm', v: 18.5, t: NOW_S - 60 }], device);
    expect(r.rejected).toEqual([]);
    const ts = iso(NOW_S - 60);
    expect(r.messages).toEqual([
      {
        deviceId: 'wl-p3-007',
        kind: 'water-level',
        body: { msgId: derivedMsgId('senml', 'wl-p3-007', 'water-level', ts), ts, levelCm: 18.5 },
        source: [{ n: 'water-level', t: NOW_S - 60, u: 'cm', v: 18.5 }],
      },
    ]);
  });

  it('resolves bn and bt over a pack of several measurements into several messages (RFC 8428 §5.1.2 style)', () => {
    const r = translateSenml(
      [
        { bn: 'urn:dev:ioc:wl-p3-007:', bt: NOW_S - 120, bu: 'cm', n: 'water-level', v: 12 },
        { n: 'water-level', t: 60, v: 14 },
        { n: 'water-level', t: 120, v: 17 },
      ],
      device,
    );
    expect(r.rejected).toEqual([]);
    expect(r.messages.map((m) => [m.deviceId, m.kind, m.body.ts, m.body.levelCm])).toEqual([
      ['wl-p3-007', 'water-level', iso(NOW_S - 120), 12],
      ['wl-p3-007', 'water-level', iso(NOW_S - 60), 14],
      ['wl-p3-007', 'water-level', iso(NOW_S), 17],
    ]);
    expect(r.messages[1].source).toEqual([{ n: 'urn:dev:ioc:wl-p3-007:water-level', t: NOW_S - 60, u: 'cm', v: 14 }]);
  });

  it('takes times below 2^28 as relative to the receive time (fractions, negatives, none) and others as absolute', () => {
    const at = (rec: Record<string, unknown>) =>
      translateSenml([{ n: 'water-level', u: 'cm', v: 1, ...rec }], device).messages[0].body.ts;
    expect(at({})).toBe(receivedAt.toISOString());
    expect(at({ t: -90.5 })).toBe('2026-11-21T02:58:29.500Z');
    expect(at({ bt: -100, t: 40 })).toBe('2026-11-21T02:59:00.000Z');
    expect(at({ t: 2 ** 28 })).toBe(iso(2 ** 28));
    expect(at({ t: 1795229700 })).toBe('2026-11-21T02:55:00.000Z');
    expect(at({ bt: 1795229000, t: 700.25 })).toBe('2026-11-21T02:55:00.250Z');
  });

  it('adds bv to v and takes bu when a record has no u, each until changed', () => {
    const r = translateSenml(
      [
        { bn: 'tg-maspero-1:', bt: NOW_S, bu: 'm', bv: 1, n: 'tide', v: 0.42 },
        { n: 'tide', t: -300, v: 0.5 },
        { n: 'tide', t: -600, u: 'cm', v: 3 },
        { bv: 0, bu: 'mm', n: 'tide', t: -900, v: 1500 },
      ],
      gateway,
    );
    expect(r.rejected).toEqual([]);
    // bv is added before the unit is applied: (1 + 3) cm.
    expect(r.messages.map((m) => m.body.levelCm)).toEqual([142, 150, 4, 150]);
  });

  it('reads the device from the name in a gateway pack naming two devices, in all three prefix spellings', () => {
    const r = translateSenml(
      [
        { bn: 'urn:dev:ioc:wl-p3-007:', bt: NOW_S, n: 'water-level', u: 'cm', v: 20 },
        { bn: 'wl-p3-008:', n: 'water-level', u: 'cm', v: 30 },
        { bn: 'wl-p3-009/', n: 'water-level', u: 'cm', v: 40 },
        { bn: '', n: 'urn:dev:ioc:site:a.b:water-level', u: 'cm', v: 50 },
      ],
      gateway,
    );
    expect(r.rejected).toEqual([]);
    expect(r.messages.map((m) => [m.deviceId, m.body.levelCm])).toEqual([
      ['wl-p3-007', 20],
      ['wl-p3-008', 30],
      ['wl-p3-009', 40],
      ['site:a.b', 50],
    ]);
  });

  it('refuses, on a gateway topic, a record whose name names no device', () => {
    const r = translateSenml([{ n: 'water-level', u: 'cm', v: 20 }], gateway);
    expect(r.messages).toEqual([]);
    expect(r.rejected).toEqual([
      expect.objectContaining({ code: 'SENML_NAME_UNKNOWN', reason: expect.stringContaining('names no device') }),
    ]);
  });

  it('converts water-level and tide in m and mm into cm without float noise', () => {
    const cm = (u: string, v: number) =>
      translateSenml([{ n: 'water-level', u, v }], device).messages[0].body.levelCm as number;
    expect(cm('m', 0.07)).toBe(7);
    expect(cm('m', 1.234)).toBe(123.4);
    expect(cm('mm', 183)).toBe(18.3);
    expect(cm('cm', -3)).toBe(-3);
  });

  it('makes a rain message from rain and rain-interval of the same device and time', () => {
    const r = translateSenml(
      [
        { bn: 'rg-p3-001:', bt: NOW_S, n: 'rain', u: 'mm', v: 4.2 },
        { n: 'rain-interval', u: 'min', v: 10 },
        { n: 'rain', t: -3600, u: 'm', v: 0.012 },
        { n: 'rain-interval', t: -3600, u: 'h', v: 1 },
      ],
      { deviceId: 'rg-p3-001', receivedAt },
    );
    expect(r.rejected).toEqual([]);
    expect(r.messages.map((m) => [m.kind, m.body.rainMm, m.body.intervalS])).toEqual([
      ['rain', 4.2, 600],
      ['rain', 12, 3600],
    ]);
    expect(r.messages[0].source).toHaveLength(2);
  });

  it('refuses a rain record without a rain-interval at the same time, with its msgId', () => {
    const r = translateSenml(
      [
        { n: 'rain', u: 'mm', v: 1, t: -60 },
        { n: 'rain-interval', u: 's', v: 600, t: -120 },
      ],
      { deviceId: 'rg-1', receivedAt },
    );
    expect(r.messages).toEqual([]);
    expect(r.rejected.map((x) => x.code)).toEqual(['SENML_INVALID', 'SENML_INVALID']);
    expect(r.rejected.map((x) => x.reason).join('\n')).toContain('rain-interval record has no measurement');
    const rain = r.rejected.find((x) => x.reason.includes('rain needs a rain-interval record at the same time'));
    expect(rain).toMatchObject({ deviceId: 'rg-1', msgId: derivedMsgId('senml', 'rg-1', 'rain', iso(NOW_S - 60)) });
  });

  it('attaches battery (and bin temperature, also from kelvin) to the primary of the same device and time', () => {
    const wl = translateSenml(
      [
        { bt: NOW_S, n: 'water-level', u: 'cm', v: 20 },
        { n: 'battery', u: '%EL', v: 87 },
      ],
      device,
    );
    expect(wl.rejected).toEqual([]);
    expect(wl.messages).toHaveLength(1);
    expect(wl.messages[0].body).toMatchObject({ levelCm: 20, batteryPct: 87 });
    expect(wl.messages[0].source).toHaveLength(2);

    const bin = translateSenml(
      [
        { bn: 'bin-p1-0001:', n: 'battery', u: '%', v: 50 },
        { n: 'temperature', u: 'K', v: 300.15 },
        { n: 'bin-fill', u: '/', v: 0.825 },
      ],
      { deviceId: 'bin-p1-0001', receivedAt },
    );
    expect(bin.rejected).toEqual([]);
    expect(bin.messages).toEqual([
      expect.objectContaining({
        kind: 'bin-fill',
        body: expect.objectContaining({ fillPct: 82.5, temperatureC: 27, batteryPct: 50 }),
      }),
    ]);
  });

  it('makes two messages from two different primaries at the same time, the battery going to both', () => {
    const r = translateSenml(
      [
        { bt: NOW_S, n: 'water-level', u: 'cm', v: 20 },
        { n: 'tide', u: 'cm', v: 140 },
        { n: 'battery', u: '%', v: 70 },
      ],
      device,
    );
    expect(r.rejected).toEqual([]);
    expect(r.messages.map((m) => [m.kind, m.body.batteryPct])).toEqual([
      ['water-level', 70],
      ['tide', 70],
    ]);
  });

  it('refuses the second primary of the same kind, device and time as a duplicate, and a second battery', () => {
    const r = translateSenml(
      [
        { bt: NOW_S, n: 'fill', u: '%', v: 40 },
        { n: 'bin-fill', u: '%', v: 41 },
        { n: 'battery', u: '%', v: 70 },
        { n: 'battery', u: '%', v: 71 },
      ],
      { deviceId: 'bin-1', receivedAt },
    );
    expect(r.messages.map((m) => [m.body.fillPct, m.body.batteryPct])).toEqual([[40, 70]]);
    expect(r.rejected.map((x) => [x.code, x.reason])).toEqual([
      ['SENML_INVALID', expect.stringMatching(/records\[1\].*second bin-fill.*duplicate/)],
      ['SENML_INVALID', expect.stringMatching(/records\[3\].*second battery.*duplicate/)],
    ]);
  });

  it('refuses a completion with no primary of the same device at the same time', () => {
    const r = translateSenml(
      [
        { bt: NOW_S, n: 'water-level', u: 'cm', v: 20 },
        { n: 'battery', u: '%', v: 87, t: -1 },
      ],
      device,
    );
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0].body).not.toHaveProperty('batteryPct');
    expect(r.rejected).toEqual([
      {
        code: 'SENML_INVALID',
        reason: expect.stringContaining('battery record has no measurement of the same device at the same time'),
        deviceId: 'wl-p3-007',
        source: [{ n: 'battery', t: NOW_S - 1, u: '%', v: 87 }],
      },
    ]);
  });

  it('refuses a completion the primary has no field for (temperature with water-level) as SENML_NAME_UNKNOWN', () => {
    const r = translateSenml(
      [
        { n: 'water-level', u: 'cm', v: 20 },
        { n: 'temperature', u: 'Cel', v: 30 },
      ],
      device,
    );
    expect(r.messages).toHaveLength(1);
    expect(r.rejected).toEqual([
      expect.objectContaining({
        code: 'SENML_NAME_UNKNOWN',
        reason: expect.stringContaining('temperature completes a bin-fill message, but wl-p3-007 has only water-level'),
      }),
    ]);
  });

  it('refuses a unit the measurement does not accept, or none, as SENML_UNIT_INVALID', () => {
    const r = translateSenml(
      [
        { n: 'water-level', u: 'Cel', v: 20 },
        { n: 'water-level', v: 20, t: -1 },
      ],
      device,
    );
    expect(r.messages).toEqual([]);
    expect(r.rejected.map((x) => [x.code, x.reason])).toEqual([
      ['SENML_UNIT_INVALID', expect.stringContaining('got "Cel", accepted m, cm, mm')],
      ['SENML_UNIT_INVALID', expect.stringContaining('needs a unit (u or bu); accepted m, cm, mm')],
    ]);
  });

  it('refuses an unknown measurement alone, naming it and the known ones', () => {
    const r = translateSenml(
      [
        { bn: 'urn:dev:ioc:wl-p3-007:', n: 'humidity', u: '%RH', v: 80 },
        { n: 'water-level', u: 'cm', v: 20 },
      ],
      device,
    );
    expect(r.messages).toHaveLength(1);
    expect(r.rejected).toEqual([
      expect.objectContaining({
        code: 'SENML_NAME_UNKNOWN',
        reason: expect.stringMatching(/unknown measurement "humidity"; the IOC maps water-level, tide, rain.*battery/),
        source: [{ n: 'urn:dev:ioc:wl-p3-007:humidity', t: NOW_S, u: '%RH', v: 80 }],
      }),
    ]);
  });

  it('refuses a device prefix that is no device id', () => {
    const r = translateSenml([{ n: 'a/b/water-level', u: 'cm', v: 1 }], gateway);
    expect(r.rejected).toEqual([
      expect.objectContaining({
        code: 'SENML_NAME_UNKNOWN',
        reason: expect.stringContaining('"a/b" is not a device id'),
      }),
    ]);
  });

  it('refuses a record with a must-understand label, and records relying on the base fields it set', () => {
    const r = translateSenml(
      [
        { bn: 'wl-1:', bt: NOW_S, n: 'water-level', u: 'cm', v: 10 },
        { bn: 'wl-2:', n: 'water-level', u: 'cm', v: 11, foo_: 1 },
        { n: 'water-level', u: 'cm', v: 12, t: -5 },
        { bn: 'wl-3:', n: 'water-level', u: 'cm', v: 13 },
      ],
      gateway,
    );
    expect(r.messages.map((m) => [m.deviceId, m.body.levelCm])).toEqual([
      ['wl-1', 10],
      ['wl-3', 13],
    ]);
    expect(r.rejected.map((x) => [x.code, x.reason])).toEqual([
      ['SENML_INVALID', 'records[1] has the must-understand label "foo_", which the IOC does not understand'],
      ['SENML_INVALID', expect.stringContaining('its bn is the one of records[1], which was refused')],
    ]);
    expect(r.rejected[0].source).toEqual([{ bn: 'wl-2:', bt: NOW_S, n: 'water-level', u: 'cm', v: 11, foo_: 1 }]);
  });

  it.each([
    [{ n: 5, u: 'cm', v: 1 }, 'label n must be a string'],
    [{ n: 'water-level', u: 'cm', v: '1' }, 'label v must be a finite number'],
    [{ n: 'water-level', u: 'cm', v: 1, vb: true }, 'more than one value'],
    [{ n: 'water-level', u: 'cm', vs: 'high' }, 'water-level needs a numeric value (v), got vs'],
    [{ n: 'water-level', u: 'cm' }, 'water-level needs a numeric value (v)'],
    [{ n: 'water level', u: 'cm', v: 1 }, 'the name may use only'],
    [{ u: 'cm', v: 1 }, 'no name'],
    [{ n: 'water-level', u: 'cm', v: 1, t: 1e15 }, 'out of range'],
    [{ n: 'water-level', u: 'cm', v: 1, bver: 'x' }, 'label bver must be a finite number'],
    [[1], 'is not an object'],
  ])('refuses the malformed record %j alone as SENML_INVALID', (rec, reason) => {
    const r = translateSenml([rec, { n: 'water-level', u: 'cm', v: 2, t: -10 }], device);
    expect(r.messages).toHaveLength(1);
    expect(r.rejected).toEqual([
      expect.objectContaining({ code: 'SENML_INVALID', reason: expect.stringContaining(reason) }),
    ]);
  });

  it.each([
    [{ n: 'water-level' }, 'must be a JSON array'],
    [null, 'must be a JSON array'],
    [42, 'must be a JSON array'],
    [[], 'no records'],
    [new Array(501).fill({ n: 'water-level', u: 'cm', v: 1 }), '501 records; the limit is 500'],
    [[{ bver: 11, n: 'water-level', u: 'cm', v: 1 }], 'bver 11'],
    [[{ n: 'water-level', u: 'cm', v: 1 }, { bver: 11 }], 'bver 11'],
  ])('refuses the whole pack %# as SENML_INVALID without a source', (json, reason) => {
    const r = translateSenml(json, device);
    expect(r.messages).toEqual([]);
    expect(r.rejected).toEqual([
      { code: 'SENML_INVALID', reason: expect.stringContaining(reason), deviceId: 'wl-p3-007' },
    ]);
  });

  it('accepts bver up to 10 and ignores labels it does not map (s, ut, extensions without "_")', () => {
    const r = translateSenml([{ bver: 10, n: 'water-level', u: 'cm', v: 1, s: 9, ut: 60, vendor: 'x' }], device);
    expect(r.rejected).toEqual([]);
    expect(r.messages[0].body).toEqual(expect.objectContaining({ levelCm: 1 }));
  });

  it('derives a stable msgId for the same record, different across times and kinds', () => {
    const pack = [{ bn: 'urn:dev:ioc:wl-p3-007:', n: 'water-level', u: 'cm', v: 20, t: 1795229700 }];
    const a = translateSenml(pack, device).messages[0].body.msgId;
    const b = translateSenml(pack, { ...device, receivedAt: new Date('2026-11-21T03:05:00Z') }).messages[0].body.msgId;
    const later = translateSenml([{ ...pack[0], t: 1795229701 }], device).messages[0].body.msgId;
    const tide = translateSenml([{ ...pack[0], n: 'tide' }], device).messages[0].body.msgId;
    expect(a).toBe(b);
    expect(a).toMatch(/^senml-[A-Za-z0-9_-]{22}$/);
    expect(later).not.toBe(a);
    expect(tide).not.toBe(a);
  });

  it('reports the device a name says, and refusals on a device topic as the topic device', () => {
    const r = translateSenml(
      [
        { bn: 'wl-other:', n: 'water-level', u: 'cm', v: 20 },
        { n: 'nope', u: 'cm', v: 20 },
      ],
      device,
    );
    expect(r.messages.map((m) => m.deviceId)).toEqual(['wl-other']);
    expect(r.rejected).toEqual([expect.objectContaining({ code: 'SENML_NAME_UNKNOWN', deviceId: 'wl-p3-007' })]);
  });

  it('never throws, whatever the input, and does not pollute prototypes', () => {
    const hostile: unknown[] = [
      undefined,
      'x',
      true,
      {},
      [null],
      [undefined],
      [[]],
      JSON.parse('[{"__proto__": {"polluted": 1}, "n": "water-level", "u": "cm", "v": 1}]'),
      JSON.parse('[{"n": "__proto__", "u": "cm", "v": 1}, {"n": "water-level", "u": "__proto__", "v": 1}]'),
      JSON.parse('[{"n": "water-level", "u": "constructor", "v": 1}, {"n": "toString", "u": "cm", "v": 1}]'),
      [{ n: 'water-level', u: 'cm', v: Number.MAX_VALUE, bv: Number.MAX_VALUE }],
      [
        { n: 'water-level', u: 'cm', v: NaN },
        { n: 'water-level', u: 'cm', v: Infinity },
      ],
      [{ n: 'water-level', u: 'cm', v: 1, t: -1e300 }],
      [{ n: 'x'.repeat(100_000), u: 'cm', v: 1 }],
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    for (let i = 0; i < 500; i++) {
      hostile.push(
        Array.from({ length: 1 + Math.floor(rnd() * 6) }, () =>
          Object.fromEntries(
            Array.from({ length: Math.floor(rnd() * 5) }, () => [
              pick(['bn', 'bt', 'bu', 'bv', 'n', 't', 'u', 'v', 'vs', 'bver', 'x_']),
              pick([0, -1, 2 ** 28, 1e20, 'wl-1:', 'water-level', 'battery', 'cm', '%', true, null, []]),
            ]),
          ),
        ),
      );
    }
    for (const json of hostile) {
      for (const ctx of [device, gateway, { receivedAt: new Date(NaN) }]) {
        const r = translateSenml(json, ctx);
        expect(r.messages.length + r.rejected.length).toBeGreaterThan(0);
        for (const m of r.messages) expect(JSON.stringify(m.body)).toContain(m.body.ts as string);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const long = translateSenml([{ n: 'x'.repeat(100_000), u: 'cm', v: 1 }], device).rejected[0];
    expect(long.reason.length).toBeLessThan(400);
  });

  it('describes every measurement once, with units and kinds', () => {
    const names = SENML_MEASUREMENTS.flatMap((m) => [m.name, ...(m.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const m of SENML_MEASUREMENTS) {
      expect(Object.keys(m.units).length).toBeGreaterThan(0);
      expect(m.kinds.length).toBeGreaterThan(0);
      if (m.primary) expect(m.kinds).toHaveLength(1);
    }
  });
});

describe('docs/mqtt/senml.md', () => {
  const page = readFileSync(join(__dirname, '../../../../docs/mqtt/senml.md'), 'utf8');
  const examples = [...page.matchAll(/```json topic=(\S+)\n([\s\S]*?)```/g)].map((m) => ({
    topic: m[1],
    json: m[2],
  }));
  const decoder = new MessageDecoder(createMessageValidators(), {
    maxPayloadBytes: 262_144,
    maxFutureSkewMs: 600_000,
    maxAgeMs: 30 * 86_400_000,
  });

  it('has examples for a device topic and a gateway topic', () => {
    expect(examples.map((e) => e.topic)).toEqual(
      expect.arrayContaining(['ioc/v1/senml/wl-p3-007', 'ioc/v1/gateway/lns-soctrang/senml']),
    );
  });

  it('lists every measurement in its table', () => {
    for (const m of SENML_MEASUREMENTS) expect(page).toContain(`| \`${m.name}\``);
  });

  it.each(examples.map((e) => [e.topic, e.json]))('example on %s is accepted whole', (topic, text) => {
    const r = decoder.decode(topic, Buffer.from(text), receivedAt);
    expect(r.rejected).toEqual([]);
    expect(r.accepted.length).toBeGreaterThan(0);
  });

  it('the gateway example gives the four messages the page describes', () => {
    const gw = examples.find((e) => e.topic.includes('gateway'))!;
    const r = decoder.decode(gw.topic, Buffer.from(gw.json), receivedAt);
    expect(r.accepted.map((m) => [m.deviceId, m.kind, m.gatewayId])).toEqual([
      ['rg-p3-001', 'rain', 'lns-soctrang'],
      ['bin-p1-0001', 'bin-fill', 'lns-soctrang'],
      ['tg-maspero-1', 'tide', 'lns-soctrang'],
      ['tg-maspero-1', 'tide', 'lns-soctrang'],
    ]);
    expect(r.accepted[0].body).toMatchObject({ rainMm: 4.2, intervalS: 600, batteryPct: 64 });
    expect(r.accepted[1].body).toMatchObject({ fillPct: 82, temperatureC: 31.5 });
  });
});
