import { existsSync } from 'node:fs';
import type { OnApplicationShutdown } from '@nestjs/common';
import { chromium, type Browser } from 'playwright-core';
import { PlatformError } from './errors';
import type { Logger } from './logger';

export interface PdfPrinterOptions {
  /** The Chromium binary (IOC_CHROMIUM_PATH; Debian's package `chromium`). Never downloaded. */
  readonly executablePath: string;
  /** Launching the browser, loading the page and printing it, each at most this long. */
  readonly timeoutMs: number;
}

/** Starts a headless Chromium (the seam the spec replaces). */
export type BrowserLauncher = (executablePath: string, timeoutMs: number) => Promise<Browser>;

export const launchHeadlessChromium: BrowserLauncher = (executablePath, timeoutMs) =>
  chromium.launch({
    executablePath,
    headless: true,
    timeout: timeoutMs,
    // --no-sandbox: the api role may run as root in a container; the pages it prints are its own, without script.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });

const unavailable = (executablePath: string, why: string, cause?: unknown) =>
  new PlatformError(
    'REPORT_PDF_UNAVAILABLE',
    `${why}: install Debian's package chromium (apt-get install chromium) or set IOC_CHROMIUM_PATH`,
    { executablePath },
    { cause },
  );

/**
 * HTML to PDF by headless Chromium through playwright-core: the one place the server drives a browser. The browser is
 * launched on the first print and reused (one process, a fresh context per page, scripts off); a browser that dies is
 * launched again on the next print; it is closed when the application shuts down.
 */
export class PdfPrinter implements OnApplicationShutdown {
  private browser: Promise<Browser> | undefined;

  constructor(
    private readonly opts: PdfPrinterOptions,
    private readonly logger: Logger,
    private readonly launch: BrowserLauncher = launchHeadlessChromium,
  ) {}

  /** The page printed on A4 with its backgrounds; REPORT_PDF_UNAVAILABLE without a browser or when it takes too long. */
  async print(html: string): Promise<Buffer> {
    const browser = await this.browserOnce();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(this.opts.timeoutMs);
      return await this.within(
        (async () => {
          await page.setContent(html, { waitUntil: 'load' });
          return page.pdf({ format: 'A4', printBackground: true });
        })(),
        'printing the page',
      );
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  private browserOnce(): Promise<Browser> {
    if (this.browser) return this.browser;
    const { executablePath, timeoutMs } = this.opts;
    if (!existsSync(executablePath))
      return Promise.reject(unavailable(executablePath, `no Chromium at ${executablePath}`));
    const launched = this.launch(executablePath, timeoutMs).then(
      (b) => {
        b.on('disconnected', () => {
          if (this.browser === launched) this.browser = undefined;
        });
        this.logger.info({ executablePath, version: b.version() }, 'pdf printer: chromium launched');
        return b;
      },
      (err: unknown) => {
        this.browser = undefined;
        throw unavailable(
          executablePath,
          `Chromium at ${executablePath} did not start (${(err as Error)?.message})`,
          err,
        );
      },
    );
    this.browser = launched;
    return launched;
  }

  private async within<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(this.opts.executablePath, `${what} took longer than ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const browser = await this.browser?.catch(() => undefined);
    this.browser = undefined;
    await browser?.close().catch(() => undefined);
  }
}
