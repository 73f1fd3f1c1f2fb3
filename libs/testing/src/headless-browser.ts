import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { workspaceRoot } from '@comply/local-infra';

/** Debian's package, which tools/browser/ensure-chromium.sh installs. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface HeadlessBrowserOptions {
  /** Default: CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** Where screenshots go; default `.artifacts/screenshots` at the workspace root (gitignored). */
  screenshotDir?: string;
  viewport?: { width: number; height: number };
}

export interface HeadlessBrowser {
  page: Page;
  /** `console.error` messages and uncaught exceptions of the page, in order. A page under test should leave it empty. */
  consoleErrors: string[];
  /** Saves a full-page PNG as `<screenshotDir>/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The Chromium executable the page tests launch; throws, saying how to get one, when it is missing. */
export function chromiumExecutable(explicit?: string): string {
  const path = explicit ?? process.env.CHROMIUM_PATH ?? DEBIAN_CHROMIUM;
  if (!existsSync(path)) {
    throw new Error(`No Chromium at ${path}: run tools/browser/ensure-chromium.sh (as root it installs Debian's chromium), or set CHROMIUM_PATH`);
  }
  return path;
}

/**
 * Launches headless Chromium (the system's, through playwright-core: no browser download) with one
 * page. Close it in afterAll/afterEach.
 */
export async function openHeadlessBrowser(options: HeadlessBrowserOptions = {}): Promise<HeadlessBrowser> {
  const executablePath = chromiumExecutable(options.executablePath);
  const screenshotDir = options.screenshotDir ?? join(workspaceRoot(), '.artifacts', 'screenshots');
  // Loaded here, not at import: every test imports this library, few open a browser.
  const { chromium } = await import('playwright-core');
  // Root (CI, containers) cannot use Chromium's user-namespace sandbox.
  const browser: Browser = await chromium.launch({ executablePath, headless: true, chromiumSandbox: process.getuid?.() !== 0 });
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    return {
      page,
      consoleErrors,
      async screenshot(name) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, '.', '_' and '-' only`);
        mkdirSync(screenshotDir, { recursive: true });
        const path = join(screenshotDir, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
