import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  MAX_RECORDING_MESSAGES,
  MAX_RECORDING_MS,
  recordingFileName,
  RECORDING_FILE_FORMAT,
  RECORDING_FILE_VERSION,
  RecordingChecksum,
  RecordingFileRefusal,
  messageLine,
  readRecordingFile,
  recordingFileStream,
  reportLine,
  type MessageValidators,
  type RecordingCityModel,
  type RecordingDto,
  type RecordingFileEntry,
  type RecordingManifest,
} from '@ioc/contracts';
import type { DeviceMessage, FieldReport } from '@ioc/domain';
import type { Clock, Logger } from '@ioc/platform';
import type { ExerciseRepository, RecordingBatch, UserRepository } from '@ioc/storage';
import { ExerciseError } from './exercise.errors';
import { toRecordingDto } from './exercise.service';

/** Messages read from the database per query while exporting; entries per batch while importing. */
const PAGE = 5_000;
const IMPORT_BATCH = 2_000;

export interface RecordingExport {
  readonly manifest: RecordingManifest;
  /** `<name>.iocrec`, ASCII. */
  readonly filename: string;
  /** The gzip-compressed file, streamed from the database. */
  readonly stream: Readable;
}

export interface RecordingFileServiceOptions {
  /** The city model this IOC runs (@ioc/city's CityModelVersion). */
  readonly cityModel: RecordingCityModel;
  /** Largest upload taken, bytes (RECORDING_IMPORT_MAX_BYTES). */
  readonly importMaxBytes: number;
}

/**
 * Recordings that travel: a recording exported as one self-describing file (@ioc/contracts' recording-file format)
 * and a file imported as a new recording, in one transaction, refused whole with a code and a reason when anything
 * in it is wrong (nothing half-imported).
 */
export class RecordingFileService {
  constructor(
    private readonly repo: ExerciseRepository,
    private readonly users: UserRepository,
    private readonly validators: MessageValidators,
    private readonly options: RecordingFileServiceOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * The file of a recording. Its lines are read twice, in the same canonical order: once for the manifest's counts and
   * checksum (before anything is sent, so an unknown recording is a 404), once as the stream is read.
   */
  async export(id: string): Promise<RecordingExport> {
    const r = await this.repo.findRecording(id);
    if (!r) throw new ExerciseError('RECORDING_NOT_FOUND', `no recording ${id}`, { recordingId: id });
    const checksum = new RecordingChecksum();
    let messages = 0;
    let fieldReports = 0;
    for await (const { line, type } of this.lines(id)) {
      checksum.add(line);
      if (type === 'message') messages++;
      else fieldReports++;
    }
    const names = await this.users.findByIds([r.createdBy]);
    const manifest: RecordingManifest = {
      format: RECORDING_FILE_FORMAT,
      version: RECORDING_FILE_VERSION,
      cityModel: { hash: this.options.cityModel.hash, devices: this.options.cityModel.devices },
      name: r.name,
      window: { from: r.from.toISOString(), to: r.to.toISOString() },
      counts: { messages, fieldReports },
      checksum: checksum.digest(),
      createdBy: r.createdBy,
      createdByName: names.get(r.createdBy)?.displayName ?? null,
      createdAt: r.createdAt.toISOString(),
      exportedAt: new Date(this.clock.nowMs()).toISOString(),
    };
    const lines = this.lines.bind(this);
    const stream = recordingFileStream(manifest, async function* () {
      for await (const { line } of lines(id)) yield line;
    });
    this.logger.info({ recordingId: id, messages, fieldReports }, 'recording exported');
    return { manifest, filename: recordingFileName(r.name), stream };
  }

  /**
   * A new recording from a file (the upload's bytes, at most `importMaxBytes`): judged line by line while it is stored
   * in one transaction, which is rolled back at the first problem.
   */
  async import(body: AsyncIterable<Buffer>, by: string): Promise<RecordingDto> {
    const file = await this.readUpload(body);
    const expect = {
      cityModel: this.options.cityModel,
      validators: this.validators,
      maxEntries: MAX_RECORDING_MESSAGES,
      maxWindowMs: MAX_RECORDING_MS,
    };
    try {
      // The manifest first, outside the transaction: the recording's name and window come from it.
      const entries = readRecordingFile(file, expect);
      const head = await entries.next();
      if (head.done || !('manifest' in head.value))
        throw new RecordingFileRefusal('truncated', 'the file is empty: no manifest');
      const manifest = head.value.manifest;
      const result = await this.repo.importRecording(
        {
          id: randomUUID(),
          name: manifest.name,
          from: new Date(manifest.window.from),
          to: new Date(manifest.window.to),
          createdBy: by,
        },
        batchesOf(entries),
        { maxEntries: MAX_RECORDING_MESSAGES, duplicates: 'refuse' },
      );
      if (result === 'empty') throw new RecordingFileRefusal('empty', 'the file holds no message and no field report');
      if ('tooMany' in result)
        throw new RecordingFileRefusal(
          'too-many',
          `the file holds more than ${MAX_RECORDING_MESSAGES} messages and field reports`,
        );
      if ('duplicate' in result)
        throw new RecordingFileRefusal(
          'duplicate',
          result.duplicate === 'message'
            ? 'a message appears twice (same device, message id and time)'
            : 'a field report appears twice',
        );
      this.logger.info(
        {
          recordingId: result.id,
          messages: result.messages,
          reports: result.reports,
          from: manifest.window.from,
          to: manifest.window.to,
          exportedAt: manifest.exportedAt,
          originalCreatedBy: manifest.createdBy,
          by,
        },
        'recording imported',
      );
      return toRecordingDto(
        result,
        new Map([...(await this.users.findByIds([by]))].map(([k, u]) => [k, u.displayName])),
      );
    } catch (err) {
      if (err instanceof RecordingFileRefusal) {
        this.logger.warn({ code: err.code, reason: err.problem, line: err.line, by }, 'recording file refused');
        throw new ExerciseError(err.code, err.message, {
          reason: err.problem,
          ...(err.line === undefined ? {} : { line: err.line }),
        });
      }
      throw err;
    }
  }

  /** The upload, whole, refused past the limit without reading further. */
  private async readUpload(body: AsyncIterable<Buffer>): Promise<Buffer> {
    const max = this.options.importMaxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > max)
        throw new ExerciseError(
          'RECORDING_TOO_LARGE',
          `the file is larger than ${max} bytes (RECORDING_IMPORT_MAX_BYTES)`,
          {
            reason: 'upload-too-large',
            maxBytes: max,
          },
        );
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** A recording's content lines in canonical order: its messages (time, device, message id), then its field reports. */
  private async *lines(id: string): AsyncGenerator<{ line: string; type: 'message' | 'report' }> {
    let after: DeviceMessage | undefined;
    for (;;) {
      const page = await this.repo.recordingPage(
        id,
        after && { time: after.ts, deviceId: after.deviceId, msgId: after.msgId },
        PAGE,
      );
      for (const m of page) yield { line: messageLine(m), type: 'message' };
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    const reports: FieldReport[] = await this.repo.recordingReports(id);
    for (const r of reports) yield { line: reportLine(r), type: 'report' };
  }
}

/** A file's entries grouped into batches for the repository. */
async function* batchesOf(
  entries: AsyncGenerator<{ readonly manifest: RecordingManifest } | RecordingFileEntry>,
): AsyncGenerator<RecordingBatch> {
  let messages: DeviceMessage[] = [];
  let reports: FieldReport[] = [];
  for await (const e of entries) {
    if ('manifest' in e) throw new RecordingFileRefusal('line-invalid', 'a second manifest');
    if (e.type === 'message') messages.push(e.message);
    else reports.push(e.report);
    if (messages.length + reports.length >= IMPORT_BATCH) {
      yield { messages, reports };
      messages = [];
      reports = [];
    }
  }
  if (messages.length + reports.length) yield { messages, reports };
}
