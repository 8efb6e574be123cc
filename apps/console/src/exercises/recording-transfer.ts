import type { RecordingFileErrorCode, RecordingFileProblem } from '@ioc/contracts';
import { ApiError } from '../api/http-client';

/**
 * Recordings that travel: the name an exported file is saved under, and what the console says when the server refuses
 * a file to import. Pure: no I/O, no React (recording-transfer.tsx does the download and the upload).
 */

/** The extension of a recording file (the server's RECORDING_FILE_EXTENSION; the contract's module is Node-only). */
export const RECORDING_FILE_EXTENSION = '.iocrec';

/**
 * The file name the server gives in `Content-Disposition` (`attachment; filename="…"`, or RFC 6266's `filename*=`
 * when present), without any path; else one made from the recording's name.
 */
export function exportFileName(disposition: string | null | undefined, recordingName: string): string {
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition ?? '');
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(disposition ?? '');
  let name: string | undefined;
  if (star) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = undefined;
    }
  }
  name ??= plain ? (plain[1] ?? plain[2]) : undefined;
  // Never a path: the browser would refuse it anyway, and a name is all we need.
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base ? base : slugFileName(recordingName);
}

/** The recording's name as a file name (ASCII, dashes, as the server makes it), with the extension. */
export function slugFileName(recordingName: string): string {
  const slug = recordingName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 80);
  return `${slug || 'recording'}${RECORDING_FILE_EXTENSION}`;
}

/**
 * Every reason the server gives (`details.reason`) for a refused file, each with its own message in vi and en
 * (`recordingTransfer.problem.<reason>`). A Record so that a reason added to the contract fails the typecheck here.
 */
const PROBLEMS: Readonly<Record<RecordingFileProblem, true>> = {
  'gzip-corrupt': true,
  truncated: true,
  'line-too-long': true,
  'not-utf8': true,
  'manifest-invalid': true,
  'format-unknown': true,
  'version-unsupported': true,
  'city-mismatch': true,
  'too-many': true,
  'window-too-long': true,
  'upload-too-large': true,
  empty: true,
  'line-invalid': true,
  'message-invalid': true,
  'outside-window': true,
  duplicate: true,
  'counts-mismatch': true,
  'checksum-mismatch': true,
};
export const RECORDING_FILE_PROBLEMS = Object.keys(PROBLEMS) as RecordingFileProblem[];

const FILE_CODES: readonly RecordingFileErrorCode[] = [
  'RECORDING_FILE_INVALID',
  'RECORDING_CITY_MISMATCH',
  'RECORDING_TOO_LARGE',
];

/** Why an import failed, as the console shows it: the code, the reason when the server named a known one, its words. */
export interface ImportRefusal {
  /** The server's code (`RECORDING_FILE_INVALID`…), or the HTTP status / `NETWORK` when it gave none. */
  readonly code: string;
  /** True for the refusals of the file itself (nothing was imported; fix the file, not the connection). */
  readonly fileRefused: boolean;
  /** The server's reason when the console has words for it (`recordingTransfer.problem.<problem>`). */
  readonly problem?: RecordingFileProblem;
  /** The 1-based line of the file at fault (the manifest is line 1). */
  readonly line?: number;
  /** The server's own message (English, precise: the line, the counts, the limit). */
  readonly message: string;
}

export function importRefusal(err: unknown): ImportRefusal {
  if (!(err instanceof ApiError)) return { code: 'ERROR', fileRefused: false, message: (err as Error).message };
  const code = err.code ?? String(err.status);
  const reason = err.details?.reason;
  const line = err.details?.line;
  return {
    code,
    fileRefused: (FILE_CODES as readonly string[]).includes(code),
    ...(typeof reason === 'string' && reason in PROBLEMS && { problem: reason as RecordingFileProblem }),
    ...(typeof line === 'number' && Number.isInteger(line) && line > 0 && { line }),
    message: err.message,
  };
}
