import { readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { chromiumExecutable, HeadlessBrowser, openHeadlessBrowser } from './headless-browser';
import { until } from './poll-until';

const PAGES: Record<string, string> = {
  '/clean': `<!doctype html><html><head><title>Clean</title><link rel="icon" href="data:,"></head>
    <body><h1 id="heading">Rendered</h1><script>document.getElementById('heading').dataset.ready = 'yes';</script></body></html>`,
  '/noisy': `<!doctype html><html><head><title>Noisy</title><link rel="icon" href="data:,"></head>
    <body><p>noisy</p><script>console.error('chart failed to load'); console.log('fine'); setTimeout(() => { throw new Error('late failure'); });</script></body></html>`,
};

describe('openHeadlessBrowser (Chromium through playwright-core)', () => {
  let server: Server;
  let baseUrl: string;
  let browser: HeadlessBrowser;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const html = PAGES[request.url ?? ''];
      response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // One browser for the suite: a launch takes seconds.
    browser = await openHeadlessBrowser();
  }, 60_000);

  beforeEach(() => {
    browser.consoleErrors.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('renders a page, runs its scripts and sees no console errors on a clean page', async () => {
    await browser.page.goto(`${baseUrl}/clean`);
    expect(await browser.page.title()).toBe('Clean');
    expect(await browser.page.textContent('#heading')).toBe('Rendered');
    expect(await browser.page.getAttribute('#heading', 'data-ready')).toBe('yes');
    expect(browser.consoleErrors).toEqual([]);
  });

  it('collects console errors and uncaught exceptions, not other console output', async () => {
    await browser.page.goto(`${baseUrl}/noisy`);
    // The exception is thrown from a timer, after the load event.
    await until(async () => browser.consoleErrors.length, (count) => count >= 2, { timeoutMs: 5_000 });
    expect(browser.consoleErrors).toEqual(['chart failed to load', 'uncaught: late failure']);
  });

  it('saves a full-page PNG screenshot under .artifacts/screenshots, which git ignores', async () => {
    await browser.page.goto(`${baseUrl}/clean`);
    const path = await browser.screenshot('headless-browser-selftest');
    try {
      expect(path).toBe(join(workspaceRoot(), '.artifacts', 'screenshots', 'headless-browser-selftest.png'));
      const png = readFileSync(path);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.length).toBeGreaterThan(1_000);
      expect(readFileSync(join(workspaceRoot(), '.gitignore'), 'utf8').split('\n')).toContain('.artifacts/');
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('refuses screenshot names that could leave the folder', async () => {
    await expect(browser.screenshot('../outside')).rejects.toThrow(/letters, digits/);
  });
});

describe('chromiumExecutable', () => {
  it('names the script that installs Chromium when the executable is missing', () => {
    expect(() => chromiumExecutable('/nonexistent/chromium')).toThrow(/tools\/browser\/ensure-chromium\.sh/);
  });
});
