import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { domainOf, type DeviceMessage, type FieldReport } from '@ioc/domain';
import {
  RECORDING_FILE_FORMAT,
  RECORDING_FILE_MAX_LINE_BYTES,
  RECORDING_FILE_VERSION,
  RecordingChecksum,
  RecordingFileRefusal,
  messageLine,
  readRecordingFile,
  recordingFileStream,
  reportLine,
  type RecordingFileEntry,
  type RecordingManifest,
} from './recording-file';
import { createMessageValidators } from './validation';

const CITY = { hash: `sha256:${'a'.repeat(64)}`, devices: 1729 };
const FROM = Date.parse('2026-10-28T06:00:00.000Z');
const validators = createMessageValidators();
const expect_ = { cityModel: CITY, validators, maxEntries: 100, maxWindowMs: 7 * 24 * 3_600_000 };

const msg = (offsetS: number, deviceId: string, msgId: string, body: Record<string, unknown>): DeviceMessage => {
  const ts = new Date(FROM + offsetS * 1000);
  const full = { msgId, ts: ts.toISOString(), ...body };
  return {
    deviceId,
    msgId,
    kind: 'bin-fill',
    domain: domainOf('bin-fill'),
    ts,
    receivedAt: new Date(ts.getTime() + 150),
    topic: `ioc/v1/waste/${deviceId}/bin-fill`,
    body: full,
    bodyJson: JSON.stringify(full),
  };
};
const MESSAGES = [
  msg(1, 'bin-p10-0041', 'fire-1', { fillPct: 50, temperatureC: 95, tiltDeg: 1 }),
  msg(6, 'bin-p10-0041', 'fire-2', { fillPct: 50, temperatureC: 135, tiltDeg: 1 }),
  msg(9, 'bin-p10-0042', 'm-1', { fillPct: 12 }),
];
const REPORT: FieldReport = {
  id: '4b1f2c1e-0000-4000-8000-000000000004',
  reportedAt: FROM + 4_000,
  channel: 'report-api',
  category: 'dumping',
  lat: 9.58768,
  lon: 105.97593,
  text: 'Đổ trộm rác',
  photoRef: 'reports/dump-1.jpg',
};

function manifestOf(lines: readonly string[], over: Partial<RecordingManifest> = {}): RecordingManifest {
  const sum = new RecordingChecksum();
  for (const l of lines) sum.add(l);
  return {
    format: RECORDING_FILE_FORMAT,
    version: RECORDING_FILE_VERSION,
    cityModel: CITY,
    name: 'Cháy thùng rác phường 10',
    window: { from: new Date(FROM).toISOString(), to: new Date(FROM + 20_000).toISOString() },
    counts: {
      messages: lines.filter((l) => l.includes('"type":"message"')).length,
      fieldReports: lines.filter((l) => l.includes('"type":"report"')).length,
    },
    checksum: sum.digest(),
    createdBy: 'u-1',
    createdByName: 'Phạm Thu Hà',
    createdAt: '2026-10-28T07:00:00.000Z',
    exportedAt: '2026-10-29T07:00:00.000Z',
    ...over,
  };
}

const CONTENT = [...MESSAGES.map(messageLine), reportLine(REPORT)];
/** A file's text: manifest line (or raw text) and content lines, each ending in a newline. */
const text = (manifest: RecordingManifest | string, lines: readonly string[] = CONTENT) =>
  `${typeof manifest === 'string' ? manifest : JSON.stringify(manifest)}\n${lines.map((l) => `${l}\n`).join('')}`;
const gz = (t: string) => gzipSync(Buffer.from(t, 'utf8'));

async function read(file: Buffer): Promise<{ manifest?: RecordingManifest; entries: RecordingFileEntry[] }> {
  const entries: RecordingFileEntry[] = [];
  let manifest: RecordingManifest | undefined;
  for await (const e of readRecordingFile(file, expect_)) {
    if ('manifest' in e) manifest = e.manifest;
    else entries.push(e);
  }
  return { manifest, entries };
}
async function refusal(file: Buffer): Promise<RecordingFileRefusal> {
  try {
    await read(file);
  } catch (err) {
    if (err instanceof RecordingFileRefusal) return err;
    throw err;
  }
  throw new Error('the file was accepted');
}
async function streamed(manifest: RecordingManifest, lines: readonly string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of recordingFileStream(manifest, async function* () {
    yield* lines;
  }))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('recording file format', () => {
  it('writes the manifest line first, then the content lines, gzip-compressed, with the SHA-256 of the content', async () => {
    const manifest = manifestOf(CONTENT);
    const file = await streamed(manifest, CONTENT);
    expect(file.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const [first, ...rest] = (await import('node:zlib')).gunzipSync(file).toString('utf8').split('\n');
    expect(JSON.parse(first)).toEqual(manifest);
    expect(rest).toEqual([...CONTENT, '']);
    // The checksum is of every byte after the manifest line: `tail -n +2 | sha256sum`.
    const after = Buffer.from(CONTENT.map((l) => `${l}\n`).join(''), 'utf8');
    expect(manifest.checksum).toBe(`sha256:${createHash('sha256').update(after).digest('hex')}`);
  });

  it('reads back every message and field report as they were', async () => {
    const manifest = manifestOf(CONTENT);
    const { manifest: m, entries } = await read(await streamed(manifest, CONTENT));
    expect(m).toEqual(manifest);
    expect(entries.filter((e) => e.type === 'message').map((e) => e.message)).toEqual(MESSAGES);
    expect(entries.filter((e) => e.type === 'report').map((e) => e.report)).toEqual([REPORT]);
  });

  it('a report without a photo keeps none', async () => {
    const { photoRef: _, ...plain } = REPORT;
    const lines = [reportLine(plain)];
    const { entries } = await read(gz(text(manifestOf(lines), lines)));
    expect(entries).toEqual([{ type: 'report', report: plain }]);
  });

  describe('refuses, with a code and a reason', () => {
    const cases: Array<[string, () => Buffer, string, string]> = [
      ['not gzip', () => Buffer.from(text(manifestOf(CONTENT))), 'RECORDING_FILE_INVALID', 'gzip-corrupt'],
      [
        'corrupt gzip (a byte flipped in the data)',
        () => {
          const f = gz(text(manifestOf(CONTENT)));
          f[Math.floor(f.length / 2)] ^= 0xff;
          return f;
        },
        'RECORDING_FILE_INVALID',
        'gzip-corrupt',
      ],
      ['an empty upload', () => Buffer.alloc(0), 'RECORDING_FILE_INVALID', 'truncated'],
      ['a first line that is not JSON', () => gz(text('hello')), 'RECORDING_FILE_INVALID', 'manifest-invalid'],
      [
        'another format',
        () => gz(text(JSON.stringify({ ...manifestOf(CONTENT), format: 'csv' }))),
        'RECORDING_FILE_INVALID',
        'format-unknown',
      ],
      [
        'another version',
        () => gz(text(JSON.stringify({ ...manifestOf(CONTENT), version: 2 }))),
        'RECORDING_FILE_INVALID',
        'version-unsupported',
      ],
      [
        'a manifest missing its checksum',
        () => gz(text(JSON.stringify({ ...manifestOf(CONTENT), checksum: undefined }))),
        'RECORDING_FILE_INVALID',
        'manifest-invalid',
      ],
      [
        'another city model',
        () => gz(text(manifestOf(CONTENT, { cityModel: { hash: `sha256:${'b'.repeat(64)}`, devices: 12 } }))),
        'RECORDING_CITY_MISMATCH',
        'city-mismatch',
      ],
      [
        'more messages than a recording may hold',
        () => gz(text(manifestOf(CONTENT, { counts: { messages: 99, fieldReports: 2 } }))),
        'RECORDING_TOO_LARGE',
        'too-many',
      ],
      [
        'a window over 7 days',
        () =>
          gz(
            text(
              manifestOf(CONTENT, {
                window: { from: new Date(FROM).toISOString(), to: new Date(FROM + 8 * 86_400_000).toISOString() },
              }),
            ),
          ),
        'RECORDING_TOO_LARGE',
        'window-too-long',
      ],
      ['nothing in it', () => gz(text(manifestOf([]), [])), 'RECORDING_FILE_INVALID', 'empty'],
      [
        'a checksum that does not match',
        () => gz(text(manifestOf(CONTENT, { checksum: `sha256:${'0'.repeat(64)}` }))),
        'RECORDING_FILE_INVALID',
        'checksum-mismatch',
      ],
      [
        'a line changed after export',
        () => gz(text(manifestOf(CONTENT), [...CONTENT.slice(0, 3), CONTENT[3].replace('Đổ trộm', 'Đổ')])),
        'RECORDING_FILE_INVALID',
        'checksum-mismatch',
      ],
      [
        'fewer lines than the manifest counts',
        () => gz(text(manifestOf(CONTENT), CONTENT.slice(1))),
        'RECORDING_FILE_INVALID',
        'counts-mismatch',
      ],
      [
        'more lines than the manifest counts',
        () => gz(text(manifestOf(CONTENT), [...CONTENT, CONTENT[0]])),
        'RECORDING_FILE_INVALID',
        'counts-mismatch',
      ],
      [
        'a line that is not JSON',
        () => gz(text(manifestOf(['x'], { counts: { messages: 1, fieldReports: 0 } }), ['x'])),
        'RECORDING_FILE_INVALID',
        'line-invalid',
      ],
      [
        'a line of an unknown type',
        () =>
          gz(
            text(manifestOf(['{"type":"photo"}'], { counts: { messages: 1, fieldReports: 0 } }), ['{"type":"photo"}']),
          ),
        'RECORDING_FILE_INVALID',
        'line-invalid',
      ],
      [
        'a message of an unknown kind',
        () => {
          const l = messageLine(MESSAGES[0]).replace('"kind":"bin-fill"', '"kind":"coffee-level"');
          return gz(text(manifestOf([l]), [l]));
        },
        'RECORDING_FILE_INVALID',
        'line-invalid',
      ],
      [
        'a message its kind’s schema refuses',
        () => {
          const l = messageLine(msg(2, 'bin-p10-0041', 'bad', { fillPct: 'full' }));
          return gz(text(manifestOf([l]), [l]));
        },
        'RECORDING_FILE_INVALID',
        'message-invalid',
      ],
      [
        'a message whose line and body disagree',
        () => {
          const l = messageLine({ ...MESSAGES[0], msgId: 'other' });
          return gz(text(manifestOf([l]), [l]));
        },
        'RECORDING_FILE_INVALID',
        'message-invalid',
      ],
      [
        'a message outside the window',
        () => {
          const l = messageLine(msg(30, 'bin-p10-0041', 'late', { fillPct: 5 }));
          return gz(text(manifestOf([l]), [l]));
        },
        'RECORDING_FILE_INVALID',
        'outside-window',
      ],
      [
        'a report without coordinates',
        () => {
          const l = reportLine(REPORT).replace(/"lat":[^,]+,/, '');
          return gz(text(manifestOf([l]), [l]));
        },
        'RECORDING_FILE_INVALID',
        'line-invalid',
      ],
      [
        'a line over the longest allowed',
        () => gz(`${JSON.stringify(manifestOf(CONTENT))}\n${'x'.repeat(RECORDING_FILE_MAX_LINE_BYTES + 10)}\n`),
        'RECORDING_FILE_INVALID',
        'line-too-long',
      ],
      [
        'bytes that are not UTF-8',
        () =>
          gzipSync(
            Buffer.concat([Buffer.from(`${JSON.stringify(manifestOf(CONTENT))}\n`), Buffer.from([0xc3, 0x28, 0x0a])]),
          ),
        'RECORDING_FILE_INVALID',
        'not-utf8',
      ],
      [
        'a last line without its newline (cut before compression)',
        () => gz(text(manifestOf(CONTENT)).slice(0, -5)),
        'RECORDING_FILE_INVALID',
        'truncated',
      ],
    ];
    it.each(cases)('%s', async (_name, make, code, reason) => {
      const r = await refusal(make());
      expect({ code: r.code, reason: r.problem }).toEqual({ code, reason });
      expect(r.message.length).toBeGreaterThan(10);
    });

    it('a file cut short anywhere in its compressed bytes', async () => {
      // Enough content to span several deflate blocks.
      const many = Array.from({ length: 60 }, (_, i) =>
        messageLine(msg(i / 10, `bin-p10-${String(i).padStart(4, '0')}`, `m-${i}`, { fillPct: i })),
      );
      const file = await streamed(manifestOf(many, { counts: { messages: 60, fieldReports: 0 } }), many);
      expect((await read(file)).entries).toHaveLength(60);
      for (const at of [
        1,
        2,
        10,
        Math.floor(file.length / 3),
        Math.floor(file.length / 2),
        file.length - 8,
        file.length - 1,
      ]) {
        const r = await refusal(file.subarray(0, at));
        expect([at, r.code]).toEqual([at, 'RECORDING_FILE_INVALID']);
        expect(['truncated', 'gzip-corrupt']).toContain(r.problem);
      }
      // Cut in its trailer (CRC and size): zlib still reports the end as missing.
      expect((await refusal(file.subarray(0, file.length - 4))).problem).toBe('truncated');
    });
  });

  it('names the line of a bad entry (the manifest is line 1)', async () => {
    const bad = messageLine(msg(2, 'bin-p10-0041', 'bad', { fillPct: 500 }));
    const lines = [CONTENT[0], bad];
    const r = await refusal(gz(text(manifestOf(lines), lines)));
    expect(r.line).toBe(3);
    expect(r.message).toMatch(/^line 3: bin-fill: \/fillPct must be <= 100/);
  });
});
