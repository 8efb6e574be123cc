// The server's extension (Node-side): the console's fallback must name a file as the server does
// (libs/correlate's fileNameOf: the ASCII folding of the name, dashes between, at most 80 characters).
import { RECORDING_FILE_EXTENSION as SERVER_EXTENSION } from '@ioc/contracts';
import { ApiError } from '../api/http-client';
import { en } from '../i18n/en';
import { vi } from '../i18n/vi';
import {
  exportFileName,
  importRefusal,
  RECORDING_FILE_EXTENSION,
  RECORDING_FILE_PROBLEMS,
  slugFileName,
} from './recording-transfer';

describe('exported file name', () => {
  it('takes the server’s Content-Disposition name', () => {
    expect(exportFileName('attachment; filename="mua-lon-14-10.iocrec"', 'Mưa lớn 14/10')).toBe('mua-lon-14-10.iocrec');
    expect(exportFileName('attachment; filename=king-tide.iocrec', 'x')).toBe('king-tide.iocrec');
    // RFC 6266: filename* (UTF-8, percent-encoded) wins over filename.
    expect(
      exportFileName(`attachment; filename="mua.iocrec"; filename*=UTF-8''M%C6%B0a%20l%E1%BB%9Bn.iocrec`, 'x'),
    ).toBe('Mưa lớn.iocrec');
  });

  it('never keeps a path, and falls back on the recording’s name as the server makes it', () => {
    expect(exportFileName('attachment; filename="../../etc/passwd"', 'x')).toBe('passwd');
    expect(exportFileName('attachment; filename="a\\b\\c.iocrec"', 'x')).toBe('c.iocrec');
    const asServer: ReadonlyArray<[string, string]> = [
      ['Mưa lớn và triều cường 14/10', 'mua-lon-va-trieu-cuong-14-10.iocrec'],
      ['Đêm triều cường', 'dem-trieu-cuong.iocrec'],
      ['  ', 'recording.iocrec'],
      ['***', 'recording.iocrec'],
      ['x'.repeat(200), `${'x'.repeat(80)}.iocrec`],
    ];
    for (const [name, file] of asServer) {
      expect(slugFileName(name)).toBe(file);
      expect(exportFileName(null, name)).toBe(file);
      expect(exportFileName('attachment', name)).toBe(file);
      expect(exportFileName('attachment; filename=""', name)).toBe(file);
    }
    expect(RECORDING_FILE_EXTENSION).toBe(SERVER_EXTENSION);
  });
});

describe('import refusal', () => {
  it('keeps the code, the known reason and the line of a refused file', () => {
    const refused = new ApiError(400, 'RECORDING_FILE_INVALID', 'line 3: checksum does not match', {
      reason: 'checksum-mismatch',
      line: 3,
    });
    expect(importRefusal(refused)).toEqual({
      code: 'RECORDING_FILE_INVALID',
      fileRefused: true,
      problem: 'checksum-mismatch',
      line: 3,
      message: 'line 3: checksum does not match',
    });
    expect(
      importRefusal(new ApiError(422, 'RECORDING_CITY_MISMATCH', 'other city', { reason: 'city-mismatch' })),
    ).toMatchObject({ code: 'RECORDING_CITY_MISMATCH', fileRefused: true, problem: 'city-mismatch' });
    expect(
      importRefusal(new ApiError(413, 'RECORDING_TOO_LARGE', 'too big', { reason: 'upload-too-large', maxBytes: 9 })),
    ).toMatchObject({ code: 'RECORDING_TOO_LARGE', fileRefused: true, problem: 'upload-too-large' });
  });

  it('says what it knows of other failures, without inventing a reason', () => {
    expect(
      importRefusal(new ApiError(400, 'RECORDING_FILE_INVALID', 'new', { reason: 'not-a-reason', line: 0 })),
    ).toEqual({ code: 'RECORDING_FILE_INVALID', fileRefused: true, message: 'new' });
    expect(importRefusal(new ApiError(403, 'AUTH_FORBIDDEN', 'role operator may not'))).toEqual({
      code: 'AUTH_FORBIDDEN',
      fileRefused: false,
      message: 'role operator may not',
    });
    expect(importRefusal(new ApiError(502, undefined, 'Bad Gateway'))).toMatchObject({
      code: '502',
      fileRefused: false,
    });
    expect(importRefusal(new Error('boom'))).toEqual({ code: 'ERROR', fileRefused: false, message: 'boom' });
  });

  it('has words for every reason in Vietnamese and English', () => {
    expect(RECORDING_FILE_PROBLEMS).toHaveLength(18);
    for (const lang of [vi, en])
      for (const p of RECORDING_FILE_PROBLEMS) expect(lang.recordingTransfer.problem[p]).toMatch(/\S/);
  });
});
