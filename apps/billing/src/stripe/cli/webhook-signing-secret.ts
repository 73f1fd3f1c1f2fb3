import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm start` keeps the local webhook signing secret under DATA_DIR (tools/dev-stack). */
export const LOCAL_WEBHOOK_SECRET_FILE = 'stripe-webhook-secret';

/**
 * The secret local tools sign webhooks with: the first of STRIPE_WEBHOOK_SECRETS (the one Stripe
 * signs with first during a rotation), else the one `npm start` generated; undefined when neither exists.
 */
export function webhookSigningSecret(env: NodeJS.ProcessEnv, dataDir: string): string | undefined {
  const configured = env.STRIPE_WEBHOOK_SECRETS?.split(',')[0]?.trim();
  if (configured) return configured;
  const file = join(dataDir, LOCAL_WEBHOOK_SECRET_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}
