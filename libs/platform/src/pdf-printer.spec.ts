import pino from 'pino';
import type { Browser } from 'playwright-core';
import { isIocError } from './errors';
import { PdfPrinter, type BrowserLauncher } from './pdf-printer';

const logger = pino({ level: 'silent' });

/** A browser whose pages "print" the HTML they were given (or never finish, `hang`). */
function fakeBrowser(opts: { hang?: boolean } = {}) {
  const closed: string[] = [];
  let onDisconnect: (() => void) | undefined;
  const browser = {
    version: () => 'fake',
    on: (event: string, fn: () => void) => {
      if (event === 'disconnected') onDisconnect = fn;
    },
    newContext: async () => ({
      newPage: async () => {
        let html = '';
        return {
          setDefaultTimeout: () => undefined,
          setContent: async (h: string) => {
            html = h;
          },
          pdf: () => (opts.hang ? new Promise<Buffer>(() => undefined) : Promise.resolve(Buffer.from(`%PDF ${html}`))),
        };
      },
      close: async () => void closed.push('context'),
    }),
    close: async () => void closed.push('browser'),
  };
  return { browser: browser as unknown as Browser, closed, disconnect: () => onDisconnect?.() };
}

describe('PdfPrinter', () => {
  it('launches one browser on the first print, reuses it, and closes it on shutdown', async () => {
    const fake = fakeBrowser();
    const launch = jest.fn<ReturnType<BrowserLauncher>, Parameters<BrowserLauncher>>(async () => fake.browser);
    const printer = new PdfPrinter({ executablePath: process.execPath, timeoutMs: 1_000 }, logger, launch);
    expect(launch).not.toHaveBeenCalled();
    expect((await printer.print('<p>a</p>')).toString()).toBe('%PDF <p>a</p>');
    expect((await printer.print('<p>b</p>')).toString()).toBe('%PDF <p>b</p>');
    expect(launch).toHaveBeenCalledTimes(1);
    expect(launch).toHaveBeenCalledWith(process.execPath, 1_000);
    expect(fake.closed).toEqual(['context', 'context']);
    await printer.onApplicationShutdown();
    expect(fake.closed).toEqual(['context', 'context', 'browser']);
  });

  it('launches again after the browser died', async () => {
    const first = fakeBrowser();
    const second = fakeBrowser();
    const launch = jest.fn().mockResolvedValueOnce(first.browser).mockResolvedValueOnce(second.browser);
    const printer = new PdfPrinter({ executablePath: process.execPath, timeoutMs: 1_000 }, logger, launch);
    await printer.print('x');
    first.disconnect();
    await printer.print('y');
    expect(launch).toHaveBeenCalledTimes(2);
  });

  it('is REPORT_PDF_UNAVAILABLE, naming the chromium package, without a binary, when it will not start, or too slow', async () => {
    const launch = jest.fn();
    const missing = new PdfPrinter({ executablePath: '/nonexistent/chromium', timeoutMs: 1_000 }, logger, launch);
    const err = await missing.print('x').catch((e: unknown) => e);
    expect(isIocError(err, 'REPORT_PDF_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/no Chromium at \/nonexistent\/chromium.*apt-get install chromium/);
    expect(launch).not.toHaveBeenCalled();

    const broken = new PdfPrinter({ executablePath: process.execPath, timeoutMs: 1_000 }, logger, async () => {
      throw new Error('exec format error');
    });
    await expect(broken.print('x')).rejects.toMatchObject({
      code: 'REPORT_PDF_UNAVAILABLE',
      message: expect.stringContaining('did not start (exec format error)'),
    });

    const hanging = fakeBrowser({ hang: true });
    const slow = new PdfPrinter(
      { executablePath: process.execPath, timeoutMs: 50 },
      logger,
      async () => hanging.browser,
    );
    await expect(slow.print('x')).rejects.toMatchObject({
      code: 'REPORT_PDF_UNAVAILABLE',
      message: expect.stringContaining('took longer than 50 ms'),
    });
    expect(hanging.closed).toEqual(['context']);
  });
});
