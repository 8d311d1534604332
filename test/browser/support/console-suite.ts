import type { Page } from 'playwright-core';
import { HttpTarget } from '../../support/http-target';
import { launchBrowser, saveFailureScreenshot, type TestBrowser } from './browser';
import { type ConsoleApp, startConsoleApp } from './console-app';

/** What a browser test file works with, set up once for the file. */
export interface ConsoleSuite {
  /** The downstream the triggers call. */
  target: HttpTarget;
  app: ConsoleApp;
  browser: TestBrowser;
  page: Page;
  /** `it` that screenshots the page when the test fails and checks for console errors. */
  it(name: string, body: () => Promise<void>): void;
}

/**
 * Registers the hooks of one browser test file: a target, the app on its own database, Chromium.
 * `env` may depend on the target (e.g. an endpoint the app calls that the target stands in for).
 */
export function useConsoleSuite(
  env: Record<string, string> | ((target: HttpTarget) => Record<string, string>) = {},
): ConsoleSuite {
  const suite = {
    it: (name: string, body: () => Promise<void>) =>
      it(name, async () => {
        try {
          await body();
          expect(suite.browser.consoleErrors).toEqual([]);
        } catch (error) {
          await saveFailureScreenshot(suite.page, name);
          throw error;
        }
      }),
  } as ConsoleSuite;

  beforeAll(async () => {
    suite.target = await HttpTarget.start();
    suite.app = await startConsoleApp(typeof env === 'function' ? env(suite.target) : env);
    suite.browser = await launchBrowser();
    suite.page = suite.browser.page;
  });

  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.stop();
    await suite.target?.close();
  });

  return suite;
}
