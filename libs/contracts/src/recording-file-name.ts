/** The extension of an exported recording file. Zod- and Node-free: the console uses it too. */
export const RECORDING_FILE_EXTENSION = '.iocrec';

/**
 * A recording's name as a file name, as the server gives it in `Content-Disposition` and the console falls back to:
 * letters and digits of its ASCII folding (Vietnamese diacritics and đ folded), dashes between, at most 80 characters.
 */
export function recordingFileName(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 80);
  return `${slug || 'recording'}${RECORDING_FILE_EXTENSION}`;
}
