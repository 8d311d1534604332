import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { waitFor } from '../../support/test-app';
import chromiumOptions from './chromium.json';

// Debian's Chromium; the networking flags keep it from trying to reach Google's hosts.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? chromiumOptions.executablePath;
const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** Debian's Chromium with a fresh profile, and every console error of its pages. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    // A failure, never a skip: CI installs it (.ci/run), so must a developer.
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'triggerline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: chromiumOptions.args,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx answer; the expected ones (a 429 to a replay) are not bugs.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleErrors.push(message.text());
    }
  });
  return {
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot to test/browser/artifacts/<name>.png, for a failed test. */
export async function saveFailureScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
}

/** Waits until `locator` matches exactly `count` elements, reloading the data with `refresh`. */
export async function waitForCount(
  locator: Locator,
  count: number,
  options: { refresh?: () => Promise<void>; timeoutMs?: number; what?: string } = {},
): Promise<void> {
  await waitFor(
    async () => {
      if ((await locator.count()) === count) {
        return true;
      }
      await options.refresh?.();
      return undefined;
    },
    { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 250, what: options.what },
  );
}

/** Picks `option` in the Material select labelled `label`. */
export async function selectOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
}
