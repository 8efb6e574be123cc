import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from './project-root';

/**
 * Debian's Chromium driven by playwright-core (no browser download: `apt-get install chromium`). WebGL for the map
 * runs on SwiftShader, the software renderer Chromium ships.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--autoplay-policy=no-user-gesture-required'],
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
 * Opens the console at `baseUrl` in a fresh browser context (1440×900, the language's locale), signs in, and waits
 * until the live feed is up and the map is drawn. Page errors and console errors go to the test output.
 */
export async function signInToConsole(
  browser: Browser,
  baseUrl: string,
  user: { readonly username: string; readonly password: string; readonly lang: 'vi' | 'en' },
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: user.lang === 'vi' ? 'vi-VN' : 'en-GB' });
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
  await page.waitForFunction('!!window.__iocMap && window.__iocMap.loaded()');
  return { page, context };
}
