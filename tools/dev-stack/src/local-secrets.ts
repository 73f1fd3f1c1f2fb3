import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LocalAdminToken {
  token: string;
  /** Where it is kept when `npm start` made it; undefined when ADMIN_TOKEN came from the environment. */
  file: string | undefined;
}

export interface LocalWebhookSecret {
  /** STRIPE_WEBHOOK_SECRETS as billing gets it. */
  secrets: string;
  /** Where it is kept when `npm start` made it; undefined when STRIPE_WEBHOOK_SECRETS came from the environment. */
  file: string | undefined;
}

/**
 * core-store's admin token for local runs: ADMIN_TOKEN when set, otherwise one made on first
 * start and kept (mode 0600) under the data dir, so it survives restarts. Never used in Azure,
 * where ADMIN_TOKEN comes from Key Vault.
 */
export function localAdminToken(env: NodeJS.ProcessEnv, dataDir: string): LocalAdminToken {
  if (env.ADMIN_TOKEN) return { token: env.ADMIN_TOKEN, file: undefined };
  const file = join(dataDir, 'admin-token');
  return { token: keptSecret(file, () => randomBytes(32).toString('base64url')), file };
}

/**
 * billing's Stripe webhook signing secret for local runs, kept like the admin token, so that
 * `npm run stripe:send` signs events billing accepts. Stripe's own secrets look the same
 * (`whsec_` and base64); a real endpoint's comes from its dashboard or `stripe listen`.
 */
export function localStripeWebhookSecret(env: NodeJS.ProcessEnv, dataDir: string): LocalWebhookSecret {
  if (env.STRIPE_WEBHOOK_SECRETS) return { secrets: env.STRIPE_WEBHOOK_SECRETS, file: undefined };
  const file = join(dataDir, 'stripe-webhook-secret');
  return { secrets: keptSecret(file, () => `whsec_${randomBytes(24).toString('base64')}`), file };
}

/** The secret kept in `file`, made (mode 0600) on first use. */
function keptSecret(file: string, make: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, make(), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
