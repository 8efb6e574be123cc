import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import { DEMO_PASSWORD } from '@ioc/auth';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from './project-root';
import { startServer, type ServerHandle } from './server';
import { startTestStack, type TestStack } from './stack';

/**
 * Debian's Chromium driven by playwright-core (no browser download: `apt-get install chromium`). WebGL for the map
 * runs on SwiftShader, the software renderer Chromium ships.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Screenshots go with the test output (gitignored): test-output/screenshots/<name>.png. */
export const SCREENSHOT_DIR = path.join(projectRoot(), 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Records into `sink` every Content-Security-Policy violation in the context's pages: what the browser reports in the
 * console, and each `securitypolicyviolation` event (so a test can assert that the console breaks none of its CSP).
 */
export async function recordCspViolations(context: BrowserContext, sink: string[]): Promise<void> {
  await context.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.effectiveDirective + ' ' + e.blockedURI));",
  });
  context.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|CSP violation/.test(m.text()))
      sink.push(`${m.page()?.url() ?? '?'}: ${m.text()}`);
  });
}

/**
 * Opens the console at `baseUrl` in a fresh browser context (1440×900, the language's locale), signs in, and waits
 * until the live feed is up and the map is drawn. Page errors and console errors go to the test output.
 */
export async function signInToConsole(
  browser: Browser,
  baseUrl: string,
  user: { readonly username: string; readonly password: string; readonly lang: 'vi' | 'en' },
  cspViolations?: string[],
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: user.lang === 'vi' ? 'vi-VN' : 'en-GB',
  });
  if (cspViolations) await recordCspViolations(context, cspViolations);
  const page = await context.newPage();
  page.on('pageerror', (err) => process.stdout.write(`[${user.username}] page error: ${err.message}\n`));
  page.on('console', (m) => m.type() === 'error' && process.stdout.write(`[${user.username}] console: ${m.text()}\n`));
  await page.goto(baseUrl);
  await page.locator('[data-testid="login-form"]').waitFor();
  if (user.lang === 'en') await page.click('.lang-switch button[data-lang="en"]');
  await page.fill('input[name="username"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await page.click('button[type="submit"]');
  await page.locator('[data-testid="feed-status"].feed-live').waitFor({ timeout: 15_000 });
  // The map's style is only GeoJSON: loaded means every city layer is drawn (the page's `window.__iocMap`).
  // A function, not a string: a string predicate is eval'd in the page, which the console's CSP forbids.
  await page.waitForFunction(() => {
    const map = (globalThis as { __iocMap?: { loaded(): boolean } }).__iocMap;
    return !!map && map.loaded();
  });
  return { page, context };
}

/** A whole IOC (every role) on a test stack, an MQTT publisher into its broker and a Chromium, for console tests. */
export interface ConsoleHarness {
  readonly stack: TestStack;
  readonly server: ServerHandle;
  readonly publisher: MqttClient;
  readonly browser: Browser;
  /** Content-Security-Policy violations in any page of the harness's contexts (none expected). */
  readonly cspViolations: string[];
  /** A demo user signed in, in a browser context of its own (closed by `close`). */
  signIn(username: string, lang: 'vi' | 'en'): Promise<Page>;
  /** A fresh browser context (closed by `close`). */
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  /** Closes everything; resolves to the server's exit code. */
  close(): Promise<number | null>;
}

/**
 * Starts the console harness. The server runs every role with two ingest connections and a short lateness (300 ms,
 * ticks of 50 ms) so that a reading shows in a browser well within the tests' seconds; `env` adds to or overrides it.
 */
export async function startConsoleHarness(name: string, env: Record<string, string> = {}): Promise<ConsoleHarness> {
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  const stack = await startTestStack(name);
  let server: ServerHandle | undefined;
  let publisher: MqttClient | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<number | null> => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await publisher?.endAsync();
    const code = server ? await server.stop() : null;
    await stack.close();
    return code;
  };
  try {
    server = await startServer({
      ...stack.env,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      INGEST_CONNECTIONS: '2',
      CORRELATION_ALLOWED_LATENESS_MS: '300',
      CORRELATION_TICK_MS: '50',
      ...env,
    });
    publisher = await stack.broker.connectTrusted({ clientId: `pub-${name}-${process.pid}` });
    browser = await launchChromium();
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  const [s, p, b] = [server, publisher, browser];
  return {
    stack,
    server: s,
    publisher: p,
    browser: b,
    cspViolations,
    signIn: async (username, lang) => {
      const { page, context } = await signInToConsole(
        b,
        s.baseUrl,
        { username, password: DEMO_PASSWORD, lang },
        cspViolations,
      );
      contexts.push(context);
      return page;
    },
    newContext: async (options) => {
      const context = await b.newContext(options);
      await recordCspViolations(context, cspViolations);
      contexts.push(context);
      return context;
    },
    close,
  };
}
