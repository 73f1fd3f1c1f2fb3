import { EVENT_EXAMPLES, type AnalyticsBilling, type AnalyticsCompliance, type AnalyticsUsage, type EventPayload, type EventType, type RecordStoredV1 } from '@comply/contracts';
import type { IncomingEvent } from '@comply/messaging';
import { openHeadlessBrowser, type HeadlessBrowser } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { BackupsService } from '../backups/backups.service';
import { BillingService } from '../billing/billing.service';
import type { AnalyticsDatabase } from '../database/analytics-database';
import { RecordsService } from '../records/records.service';
import { dayOf } from '../rollups/time-buckets';
import { AnalyticsTestApp, AnalyticsTestTenant, startAnalyticsTestApp } from '../testing/analytics-test-app';

const DAY_MS = 86_400_000;

function incoming<T extends EventType>(type: T, payload: EventPayload<T>): IncomingEvent<T> {
  const messageId = randomUUID();
  return { type, messageId, correlationId: messageId, payload, deliveryCount: 0 };
}

/** The page in headless Chromium over rollups written by the service's own handlers. */
describe('built-in dashboard', () => {
  const daysAgo = (days: number) => new Date(Date.parse(dayOf(new Date())) - days * DAY_MS + 10 * 3_600_000).toISOString();
  let app: AnalyticsTestApp;
  let a: AnalyticsTestTenant;
  let b: AnalyticsTestTenant;
  let browser: HeadlessBrowser;
  let page: Page;

  const stored = (tenantId: string, storedAt: string, overrides: Partial<RecordStoredV1>) =>
    incoming('record.stored.v1', { ...EVENT_EXAMPLES['record.stored.v1'], tenantId, recordId: randomUUID(), storedAt, ...overrides });

  beforeAll(async () => {
    app = await startAnalyticsTestApp();
    a = await app.createTenant('acme');
    b = await app.createTenant('globex');
    const db = (app.service.runtime.database as AnalyticsDatabase).db;
    const records = app.service.app.get(RecordsService);
    const billing = app.service.app.get(BillingService);
    const backups = app.service.app.get(BackupsService);
    await db.transaction(async (tx) => {
      await records.addStored(tx, [
        stored(a.id, daysAgo(5), { taxonomy: ['PII.Identifier.SSN'], confidence: 0.95, latencyMs: 12 }),
        stored(a.id, daysAgo(2), { taxonomy: ['PII.Identifier.SSN'], confidence: 0.91, latencyMs: 40 }),
        stored(a.id, daysAgo(2), { taxonomy: ['PII.Identifier.SSN', 'PII.Contact.Email'], confidence: 0.5, latencyMs: 400 }),
        stored(b.id, daysAgo(3), { taxonomy: ['PCI.Card.Number'], detector: { name: 'luhn', type: 'pci', version: '1' } }),
        stored(b.id, daysAgo(1), { taxonomy: ['PCI.Card.Number'], detector: { name: 'luhn', type: 'pci', version: '1' } }),
      ]);
      await records.addDeleted(tx, [incoming('record.deleted.v1', { ...EVENT_EXAMPLES['record.deleted.v1'], tenantId: a.id, deletedAt: daysAgo(1) })]);
      await billing.addSubscriptionChanges(tx, [
        incoming('billing.subscription.changed.v1', {
          ...EVENT_EXAMPLES['billing.subscription.changed.v1'],
          tenantId: a.id,
          stripeSubscriptionId: 'sub_acme_pro',
          plan: 'pro',
          status: 'active',
          amount: 4_900,
          currency: 'usd',
          interval: 'month',
          occurredAt: daysAgo(6),
        }),
      ]);
      await billing.addInvoices(tx, [
        { type: 'paid', payload: { ...EVENT_EXAMPLES['billing.invoice.paid.v1'], tenantId: a.id, stripeSubscriptionId: 'sub_acme_pro', amountPaid: 4_900, currency: 'usd', occurredAt: daysAgo(6) } },
        { type: 'failed', payload: { ...EVENT_EXAMPLES['billing.invoice.payment_failed.v1'], tenantId: b.id, stripeSubscriptionId: undefined, amountDue: 500, currency: 'usd', occurredAt: daysAgo(2) } },
      ]);
      await backups.add(tx, [
        { type: 'completed', payload: { ...EVENT_EXAMPLES['backup.completed.v1'], database: 'core', tenantId: undefined, completedAt: daysAgo(1) } },
        { type: 'completed', payload: { ...EVENT_EXAMPLES['backup.completed.v1'], database: 'core', tenantId: a.id, completedAt: daysAgo(1) } },
        { type: 'failed', payload: { ...EVENT_EXAMPLES['backup.failed.v1'], database: 'billing', tenantId: undefined, failedAt: daysAgo(2) } },
      ]);
    });
    browser = await openHeadlessBrowser({ viewport: { width: 1280, height: 900 } });
    page = browser.page;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  }, 30_000);

  const texts = (selector: string) => page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent ?? ''));
  const uncaught = () => browser.consoleErrors.filter((message) => !message.startsWith('Failed to load resource'));

  async function signIn(credential: string, state: 'loaded' | 'error'): Promise<void> {
    await page.fill('#credential', credential);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector(`body[data-state="${state}"]`);
  }

  /** Applies the controls and returns the query string of the usage request the page sent. */
  async function apply(): Promise<{ search: string; authorization: string | undefined }> {
    const usage = page.waitForRequest((request) => request.url().includes('/v1/analytics/usage?'));
    await page.click('#controls button[type=submit]');
    const request = await usage;
    await page.waitForSelector('body[data-state="loaded"]');
    return { search: new URL(request.url()).search, authorization: request.headers().authorization };
  }

  it('serves the page and its assets without authentication, with a strict policy and cache headers', async () => {
    const response = await app.request<string>('GET', '/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(response.body).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);

    const links = [...response.body.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((match) => match[1]);
    expect(links.map((link) => link.split('?')[0]).sort()).toEqual(['/dashboard/dashboard.css', '/dashboard/dashboard.js', '/dashboard/uplot.css', '/dashboard/uplot.js']);
    for (const link of links) {
      const asset = await app.request<string>('GET', link);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe(link.includes('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const again = await app.request('GET', link, { headers: { 'if-none-match': asset.headers.get('etag') ?? '' } });
      expect(again.status).toBe(304);
    }
    const document = (await app.request('GET', '/docs/openapi.json')).body;
    expect(document.paths['/dashboard/{asset}'].get.parameters[0].schema.enum.map((name: string) => `/dashboard/${name}`).sort()).toEqual(links.map((link) => link.split('?')[0]).sort());
    expect((await app.request('GET', '/dashboard/uplot.js')).body).toContain('uPlot');
    expect((await app.request('GET', '/dashboard/secrets.env')).status).toBe(404);
  });

  it('shows an admin the numbers the API gives for the chosen tenant and period, with charts', async () => {
    await page.goto(`${app.url}/dashboard`);
    await page.waitForSelector('body[data-state="signed-out"]');
    await signIn(app.adminToken, 'loaded');
    expect(await page.textContent('#scope')).toContain('Fleet');

    await page.fill('#tenant', a.id);
    await page.selectOption('#range', '30');
    await page.selectOption('#granularity', 'day');
    const { search, authorization } = await apply();
    expect(authorization).toBe(`Bearer ${app.adminToken}`);
    expect(search).toContain(`tenant=${a.id}`);
    expect(page.url()).not.toContain(app.adminToken);
    expect(await page.textContent('#scope')).toContain(a.id);

    const usage = (await app.request<AnalyticsUsage>('GET', `/v1/analytics/usage${search}`, { token: app.adminToken })).body;
    const storedInRange = usage.series.reduce((sum, row) => sum + row.stored, 0);
    expect(storedInRange).toBe(3);
    expect(await page.textContent('#total-stored')).toBe(String(storedInRange));
    expect(await page.textContent('#total-deleted')).toBe('1');

    const billing = (await app.request<AnalyticsBilling>('GET', `/v1/analytics/billing${search}`, { token: app.adminToken })).body;
    expect(billing.mrr.amount).toBe(4_900);
    expect(await page.textContent('#mrr')).toContain('49.00');
    expect(await page.textContent('#invoices-paid')).toBe(String(billing.invoices.paid));
    expect(await page.textContent('#invoices-failed')).toBe(String(billing.invoices.failed));

    const canvases = await page.$$eval('.uplot canvas', (nodes) => nodes.map((node) => [node.getBoundingClientRect().width, node.getBoundingClientRect().height]));
    expect(canvases).toHaveLength(3);
    for (const [width, height] of canvases) {
      expect(width).toBeGreaterThan(0);
      expect(height).toBeGreaterThan(0);
    }

    const labels = await texts('#labels .name');
    expect(labels).toEqual(expect.arrayContaining(['PII', 'PII.Identifier.SSN', 'PII.Contact.Email']));
    expect(labels).not.toContain('PCI.Card.Number');

    const compliance = (await app.request<AnalyticsCompliance>('GET', `/v1/analytics/compliance${search}`, { token: app.adminToken })).body;
    const coverage = await texts('#compliance summary .value');
    expect(coverage).toEqual(compliance.frameworks.map((framework) => `${framework.coveredControls} / ${framework.totalControls} controls`));

    const backupRows = await page.$$eval('#backups tbody tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
    expect(backupRows.find((row) => row[0] === 'core')?.[1]).toBe(`${daysAgo(1).slice(0, 16).replace('T', ' ')} UTC`);

    expect(browser.consoleErrors).toEqual([]);
    await browser.screenshot('analytics-dashboard');
  }, 60_000);

  it("shows a tenant's read key its own tenant only, without a tenant picker", async () => {
    await page.click('#sign-out');
    await page.waitForSelector('body[data-state="signed-out"]');
    const readKey = await a.keyWith(['read']);
    await signIn(readKey, 'loaded');
    expect(await page.isDisabled('#tenant')).toBe(true);
    expect(await page.textContent('#scope')).toContain(a.id);
    const { search } = await apply();
    expect(search).not.toContain('tenant=');
    const usage = (await app.request<AnalyticsUsage>('GET', `/v1/analytics/usage${search}`, { token: readKey })).body;
    expect(await page.textContent('#total-stored')).toBe(String(usage.series.reduce((sum, row) => sum + row.stored, 0)));
    expect(await texts('#labels .name')).not.toContain('PCI.Card.Number');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('analytics-dashboard.credential')")).toBe(readKey);
    expect(page.url()).not.toContain(readKey);
    expect(browser.consoleErrors).toEqual([]);
  }, 60_000);

  it('explains a refused credential instead of showing an empty page', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('body[data-state="signed-out"]');
    await signIn(`csk_${'x'.repeat(12)}_${'y'.repeat(43)}`, 'error');
    expect(await page.isVisible('#error')).toBe(true);
    expect(await page.textContent('#error')).toMatch(/^The credential was refused \(401: .+\)\. Enter the admin token or a tenant API key/);
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.isVisible('#dashboard')).toBe(false);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('analytics-dashboard.credential')")).toBeNull();
    expect(uncaught()).toEqual([]);
  }, 60_000);
});
