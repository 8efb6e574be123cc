import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';
import { domainOf, MESSAGE_KIND_NAMES, type DeviceMessage, type FieldReport, type MessageKind } from '@ioc/domain';
import { ID_PATTERN } from './schemas';
import { describeErrors, type MessageValidators } from './validation';

/**
 * A recording as one self-describing file (`.iocrec`): gzip of NDJSON. The first line is the manifest (what the file
 * is, which city model it was recorded on, the window, the counts, the SHA-256 of the lines after it); then one line
 * per device message (`"type":"message"`, raw_message's columns) and one per field report (`"type":"report"`). A
 * reader judges every line as the live system would (a message must be a valid native message of its kind) and
 * refuses the whole file, with a code and a reason, at the first thing wrong: nothing of a bad file is kept.
 */
export const RECORDING_FILE_FORMAT = 'ioc-recording';
export const RECORDING_FILE_VERSION = 1;
export { RECORDING_FILE_EXTENSION, recordingFileName } from './recording-file-name';
export const RECORDING_FILE_MEDIA_TYPE = 'application/gzip';
/** Longest line (decompressed) a reader takes: far above any device message (INGEST_MAX_PAYLOAD_BYTES is 256 KiB). */
export const RECORDING_FILE_MAX_LINE_BYTES = 1024 * 1024;

/** Codes of a refused recording file. */
export const RECORDING_FILE_ERROR_CODES = [
  /** Not gzip, corrupt, truncated, a bad manifest or line, counts or checksum that do not match. */
  'RECORDING_FILE_INVALID',
  /** Recorded on another city model than the one this IOC runs. */
  'RECORDING_CITY_MISMATCH',
  /** Over the limits of a recording (MAX_RECORDING_MESSAGES, MAX_RECORDING_MS) or of an upload. */
  'RECORDING_TOO_LARGE',
] as const;
export type RecordingFileErrorCode = (typeof RECORDING_FILE_ERROR_CODES)[number];

/** The machine-readable reason beside the code (details.reason). */
export type RecordingFileProblem =
  | 'gzip-corrupt'
  | 'truncated'
  | 'line-too-long'
  | 'not-utf8'
  | 'manifest-invalid'
  | 'format-unknown'
  | 'version-unsupported'
  | 'city-mismatch'
  | 'too-many'
  | 'window-too-long'
  | 'upload-too-large'
  | 'empty'
  | 'line-invalid'
  | 'message-invalid'
  | 'outside-window'
  | 'duplicate'
  | 'counts-mismatch'
  | 'checksum-mismatch';

const CODE_OF: Readonly<Partial<Record<RecordingFileProblem, RecordingFileErrorCode>>> = {
  'city-mismatch': 'RECORDING_CITY_MISMATCH',
  'too-many': 'RECORDING_TOO_LARGE',
  'window-too-long': 'RECORDING_TOO_LARGE',
  'upload-too-large': 'RECORDING_TOO_LARGE',
};

/** Why a recording file is refused; `line` is 1-based (the manifest is line 1). */
export class RecordingFileRefusal extends Error {
  readonly code: RecordingFileErrorCode;
  constructor(
    readonly problem: RecordingFileProblem,
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'RecordingFileRefusal';
    this.code = CODE_OF[problem] ?? 'RECORDING_FILE_INVALID';
  }
}

export interface RecordingCityModel {
  /** `sha256:<hex>` of the city model's content (@ioc/city's CityModelVersion). */
  readonly hash: string;
  readonly devices: number;
}

export interface RecordingManifest {
  readonly format: typeof RECORDING_FILE_FORMAT;
  readonly version: typeof RECORDING_FILE_VERSION;
  readonly cityModel: RecordingCityModel;
  readonly name: string;
  /** The recorded window of event time, [from, to), ISO 8601. */
  readonly window: { readonly from: string; readonly to: string };
  readonly counts: { readonly messages: number; readonly fieldReports: number };
  /** `sha256:<hex>` of every byte after the manifest line (each content line with its newline). */
  readonly checksum: string;
  /** Who made the recording on the system it was exported from (a user id there), and their name. */
  readonly createdBy: string;
  readonly createdByName: string | null;
  readonly createdAt: string;
  readonly exportedAt: string;
}

const isoString = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const count = z.number().int().min(0);

const ManifestSchema = z
  .object({
    format: z.literal(RECORDING_FILE_FORMAT),
    version: z.literal(RECORDING_FILE_VERSION),
    cityModel: z.object({ hash: sha256, devices: count }).strict(),
    name: z.string().trim().min(3).max(120),
    window: z.object({ from: isoString, to: isoString }).strict(),
    counts: z.object({ messages: count, fieldReports: count }).strict(),
    checksum: sha256,
    createdBy: z.string().min(1).max(200),
    createdByName: z.string().max(200).nullable(),
    createdAt: isoString,
    exportedAt: isoString,
  })
  .strict();

const MessageLineSchema = z
  .object({
    type: z.literal('message'),
    time: isoString,
    deviceId: z.string().regex(new RegExp(ID_PATTERN)),
    msgId: z.string().min(1).max(200),
    kind: z.enum(MESSAGE_KIND_NAMES as [MessageKind, ...MessageKind[]]),
    receivedAt: isoString,
    topic: z.string().min(1).max(1024),
    gatewayId: z.string().regex(new RegExp(ID_PATTERN)).nullable(),
    body: z.record(z.string(), z.unknown()),
  })
  .strict();

const ReportLineSchema = z
  .object({
    type: z.literal('report'),
    id: z.uuid(),
    reportedAt: isoString,
    channel: z.string().min(1).max(200),
    category: z.string().min(1).max(200),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    text: z.string().max(10_000),
    photoRef: z.string().max(2_000).nullable(),
  })
  .strict();

/** One device message as a content line (no newline). */
export function messageLine(m: DeviceMessage): string {
  return (
    `{"type":"message","time":"${m.ts.toISOString()}","deviceId":${JSON.stringify(m.deviceId)},` +
    `"msgId":${JSON.stringify(m.msgId)},"kind":"${m.kind}","receivedAt":"${m.receivedAt.toISOString()}",` +
    `"topic":${JSON.stringify(m.topic)},"gatewayId":${JSON.stringify(m.gatewayId ?? null)},"body":${m.bodyJson}}`
  );
}

/** One field report as a content line (no newline). */
export function reportLine(r: FieldReport): string {
  return JSON.stringify({
    type: 'report',
    id: r.id,
    reportedAt: new Date(r.reportedAt).toISOString(),
    channel: r.channel,
    category: r.category,
    lat: r.lat,
    lon: r.lon,
    text: r.text,
    photoRef: r.photoRef ?? null,
  });
}

/** SHA-256 over content lines as written: each line's UTF-8 bytes and a newline. */
export class RecordingChecksum {
  private readonly h: Hash = createHash('sha256');
  add(line: string | Buffer): void {
    this.h.update(line);
    this.h.update('\n');
  }
  digest(): string {
    return `sha256:${this.h.digest('hex')}`;
  }
}

/**
 * The file: the manifest line, then the content lines, gzip-compressed (Node's zlib, streaming). `lines` is called
 * once, as the stream is read; it must give the same lines (in the same order) the manifest's checksum was taken over.
 */
export function recordingFileStream(manifest: RecordingManifest, lines: () => AsyncIterable<string>): Readable {
  async function* text(): AsyncGenerator<string> {
    yield `${JSON.stringify(manifest)}\n`;
    // Lines joined into chunks of ~64 KiB: one write per line would cost the gzip stream a call per message.
    let chunk = '';
    for await (const line of lines()) {
      chunk += `${line}\n`;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  const source = Readable.from(text());
  const gzip = createGzip();
  source.on('error', (err) => gzip.destroy(err));
  return source.pipe(gzip);
}

/** What a reader accepts: the city model it runs and the limits of a recording. */
export interface RecordingFileExpectations {
  readonly cityModel: Pick<RecordingCityModel, 'hash' | 'devices'>;
  readonly validators: MessageValidators;
  /** Messages and field reports together (MAX_RECORDING_MESSAGES). */
  readonly maxEntries: number;
  /** Longest window (MAX_RECORDING_MS). */
  readonly maxWindowMs: number;
}

export type RecordingFileEntry =
  | { readonly type: 'message'; readonly message: DeviceMessage }
  | { readonly type: 'report'; readonly report: FieldReport };

/**
 * Judges a recording file line by line (pure: no I/O). `manifest` first, then `entry` per content line, then
 * `finish`; each throws a RecordingFileRefusal at the first problem.
 */
export class RecordingFileReader {
  private readonly checksum = new RecordingChecksum();
  private manifestRead?: RecordingManifest;
  private fromMs = 0;
  private toMs = 0;
  private messages = 0;
  private reports = 0;
  private lineNo = 1;

  constructor(private readonly expect: RecordingFileExpectations) {}

  manifest(line: string): RecordingManifest {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new RecordingFileRefusal('manifest-invalid', 'the first line is not a JSON manifest', 1);
    }
    const head = json as { format?: unknown; version?: unknown } | null;
    if (typeof head !== 'object' || head === null || head.format !== RECORDING_FILE_FORMAT)
      throw new RecordingFileRefusal(
        'format-unknown',
        `not an IOC recording (format ${JSON.stringify(head?.format ?? null)}, expected "${RECORDING_FILE_FORMAT}")`,
        1,
      );
    if (head.version !== RECORDING_FILE_VERSION)
      throw new RecordingFileRefusal(
        'version-unsupported',
        `recording file version ${JSON.stringify(head.version ?? null)} is not supported (this IOC reads version ${RECORDING_FILE_VERSION})`,
        1,
      );
    const parsed = ManifestSchema.safeParse(json);
    if (!parsed.success)
      throw new RecordingFileRefusal(
        'manifest-invalid',
        `manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        1,
      );
    const m = parsed.data as RecordingManifest;
    if (m.cityModel.hash !== this.expect.cityModel.hash)
      throw new RecordingFileRefusal(
        'city-mismatch',
        `recorded on city model ${m.cityModel.hash} (${m.cityModel.devices} devices); this IOC runs ${this.expect.cityModel.hash} (${this.expect.cityModel.devices} devices)`,
        1,
      );
    this.fromMs = Date.parse(m.window.from);
    this.toMs = Date.parse(m.window.to);
    if (!(this.toMs > this.fromMs))
      throw new RecordingFileRefusal('manifest-invalid', 'manifest: window.to must be after window.from', 1);
    if (this.toMs - this.fromMs > this.expect.maxWindowMs)
      throw new RecordingFileRefusal(
        'window-too-long',
        `the window spans ${Math.round((this.toMs - this.fromMs) / 3_600_000)} h; a recording spans at most ${this.expect.maxWindowMs / 3_600_000} h`,
        1,
      );
    const total = m.counts.messages + m.counts.fieldReports;
    if (total > this.expect.maxEntries)
      throw new RecordingFileRefusal(
        'too-many',
        `the file holds ${total} messages and field reports; a recording holds at most ${this.expect.maxEntries}`,
        1,
      );
    if (total === 0) throw new RecordingFileRefusal('empty', 'the file holds no message and no field report', 1);
    this.manifestRead = m;
    return m;
  }

  /** One content line, its bytes as read (without the newline). */
  entry(bytes: Buffer): RecordingFileEntry {
    const m = this.manifestRead;
    if (!m) throw new Error('RecordingFileReader: manifest first');
    const line = ++this.lineNo;
    this.checksum.add(bytes);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RecordingFileRefusal('line-invalid', 'not JSON', line);
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (type === 'message') {
      if (++this.messages > m.counts.messages)
        throw new RecordingFileRefusal(
          'counts-mismatch',
          `more messages than the manifest's ${m.counts.messages}`,
          line,
        );
      return { type, message: this.message(json, line) };
    }
    if (type === 'report') {
      if (++this.reports > m.counts.fieldReports)
        throw new RecordingFileRefusal(
          'counts-mismatch',
          `more field reports than the manifest's ${m.counts.fieldReports}`,
          line,
        );
      return { type, report: this.report(json, line) };
    }
    throw new RecordingFileRefusal('line-invalid', `unknown line type ${JSON.stringify(type ?? null)}`, line);
  }

  /** After the last line: the counts and the checksum must be the manifest's. */
  finish(): RecordingManifest {
    const m = this.manifestRead;
    if (!m) throw new RecordingFileRefusal('truncated', 'the file is empty: no manifest');
    if (this.messages !== m.counts.messages || this.reports !== m.counts.fieldReports)
      throw new RecordingFileRefusal(
        'counts-mismatch',
        `the file holds ${this.messages} messages and ${this.reports} field reports; the manifest says ${m.counts.messages} and ${m.counts.fieldReports}`,
      );
    const digest = this.checksum.digest();
    if (digest !== m.checksum)
      throw new RecordingFileRefusal('checksum-mismatch', `content checksum ${digest} differs from the manifest's`);
    return m;
  }

  private inWindow(ms: number, what: string, line: number): void {
    if (!(ms >= this.fromMs && ms < this.toMs))
      throw new RecordingFileRefusal(
        'outside-window',
        `${what} at ${new Date(ms).toISOString()} is outside the window [${this.manifestRead!.window.from}, ${this.manifestRead!.window.to})`,
        line,
      );
  }

  private message(json: unknown, line: number): DeviceMessage {
    const parsed = MessageLineSchema.safeParse(json);
    if (!parsed.success)
      throw new RecordingFileRefusal(
        'line-invalid',
        `message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        line,
      );
    const l = parsed.data;
    const validate = this.expect.validators.kinds[l.kind];
    if (!validate(l.body))
      throw new RecordingFileRefusal('message-invalid', `${l.kind}: ${describeErrors(validate.errors)}`, line);
    const body = l.body as { msgId: string; ts: string; deviceId?: string };
    const ts = Date.parse(l.time);
    if (body.msgId !== l.msgId || Date.parse(body.ts) !== ts || (body.deviceId ?? l.deviceId) !== l.deviceId)
      throw new RecordingFileRefusal(
        'message-invalid',
        'the message line differs from its body (msgId, ts or deviceId)',
        line,
      );
    this.inWindow(ts, 'message', line);
    return {
      deviceId: l.deviceId,
      msgId: l.msgId,
      kind: l.kind,
      domain: domainOf(l.kind),
      ts: new Date(ts),
      receivedAt: new Date(l.receivedAt),
      topic: l.topic,
      gatewayId: l.gatewayId ?? undefined,
      body: l.body,
      bodyJson: JSON.stringify(l.body),
    };
  }

  private report(json: unknown, line: number): FieldReport {
    const parsed = ReportLineSchema.safeParse(json);
    if (!parsed.success)
      throw new RecordingFileRefusal(
        'line-invalid',
        `report: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        line,
      );
    const r = parsed.data;
    const reportedAt = Date.parse(r.reportedAt);
    this.inWindow(reportedAt, 'field report', line);
    return {
      id: r.id,
      reportedAt,
      channel: r.channel,
      category: r.category,
      lat: r.lat,
      lon: r.lon,
      text: r.text,
      ...(r.photoRef === null ? {} : { photoRef: r.photoRef }),
    };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The lines of a gzip-compressed file, as bytes without their newline (streaming: Node's zlib). Refuses a corrupt
 * stream (`gzip-corrupt`), one that ends early (`truncated`: inside the compressed data, or a last line with no
 * newline), a line over RECORDING_FILE_MAX_LINE_BYTES and bytes that are not UTF-8.
 */
export async function* gunzipLines(source: Buffer | AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : Readable.from(source);
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  let rest: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let nl: number;
      while ((nl = data.indexOf(0x0a)) >= 0) {
        const line = data.subarray(0, nl);
        lineNo++;
        checkUtf8(line, lineNo);
        yield line;
        data = data.subarray(nl + 1);
      }
      if (data.length > RECORDING_FILE_MAX_LINE_BYTES)
        throw new RecordingFileRefusal(
          'line-too-long',
          `longer than ${RECORDING_FILE_MAX_LINE_BYTES} bytes`,
          lineNo + 1,
        );
      rest = Buffer.from(data);
    }
  } catch (err) {
    if (err instanceof RecordingFileRefusal) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((err as Error).message ?? ''))
      throw new RecordingFileRefusal('truncated', 'the compressed file ends early (truncated)');
    if (code === 'Z_DATA_ERROR' || code?.startsWith('Z_'))
      throw new RecordingFileRefusal('gzip-corrupt', `not a valid gzip file: ${(err as Error).message}`);
    throw err;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (rest.length) throw new RecordingFileRefusal('truncated', 'the last line has no newline (truncated)', lineNo + 1);
}

function checkUtf8(line: Buffer, lineNo: number): void {
  if (line.length > RECORDING_FILE_MAX_LINE_BYTES)
    throw new RecordingFileRefusal('line-too-long', `longer than ${RECORDING_FILE_MAX_LINE_BYTES} bytes`, lineNo);
  try {
    utf8.decode(line);
  } catch {
    throw new RecordingFileRefusal('not-utf8', 'not UTF-8', lineNo);
  }
}

/**
 * Reads and judges a whole recording file: the manifest, then every entry, and, after the last, the counts and the
 * checksum. An entry is yielded before the file's end is judged: a caller that stores entries as they come does so in
 * a transaction it rolls back when this throws.
 */
export async function* readRecordingFile(
  source: Buffer | AsyncIterable<Buffer>,
  expect: RecordingFileExpectations,
): AsyncGenerator<{ readonly manifest: RecordingManifest } | RecordingFileEntry, RecordingManifest> {
  const reader = new RecordingFileReader(expect);
  let first = true;
  for await (const line of gunzipLines(source)) {
    if (first) {
      first = false;
      yield { manifest: reader.manifest(line.toString('utf8')) };
    } else yield reader.entry(line);
  }
  return reader.finish();
}
