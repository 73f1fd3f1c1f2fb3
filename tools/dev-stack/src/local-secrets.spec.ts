import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAdminToken, localStripeWebhookSecret } from './local-secrets';

describe('local secrets of `npm start`', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dev-stack-secrets-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("makes billing's webhook signing secret once, readable by the owner only, in the form billing accepts", () => {
    const first = localStripeWebhookSecret({}, dataDir);
    expect(first.file).toBe(join(dataDir, 'stripe-webhook-secret'));
    // billing's STRIPE_WEBHOOK_SECRETS pattern.
    expect(first.secrets).toMatch(/^whsec_\S+(,whsec_\S+)*$/);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file!, 'utf8')).toBe(first.secrets);
    expect(localStripeWebhookSecret({}, dataDir)).toEqual(first);
  });

  it('uses STRIPE_WEBHOOK_SECRETS when set, and keeps nothing', () => {
    expect(localStripeWebhookSecret({ STRIPE_WEBHOOK_SECRETS: 'whsec_a,whsec_b' }, dataDir)).toEqual({ secrets: 'whsec_a,whsec_b', file: undefined });
    expect(() => statSync(join(dataDir, 'stripe-webhook-secret'))).toThrow();
  });

  it('keeps the admin token as before, apart from the webhook secret', () => {
    const token = localAdminToken({}, dataDir);
    expect(token.file).toBe(join(dataDir, 'admin-token'));
    expect(token.token).not.toBe(localStripeWebhookSecret({}, dataDir).secrets);
    expect(localAdminToken({ ADMIN_TOKEN: 'given' }, dataDir)).toEqual({ token: 'given', file: undefined });
  });
});
