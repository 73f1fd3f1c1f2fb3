import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, platformSettings } from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';

/**
 * `npm run directory:resync`: asks core-store to republish every tenant and API key, so that a new
 * service or a rebuilt replica catches up. Replicas ignore what they already hold at that version.
 */
async function main(): Promise<number> {
  const config = loadConfig(platformSettings);
  const token = process.env.ADMIN_TOKEN || localAdminToken(resolve(workspaceRoot(__dirname), config.DATA_DIR));
  if (!token) {
    process.stderr.write('directory:resync needs ADMIN_TOKEN (core-store\'s admin token); `npm start` keeps a local one under DATA_DIR.\n');
    return 2;
  }
  const url = new URL('/admin/directory/republish', config.CORE_STORE_URL);
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`could not reach core-store at ${url.origin} (${cause}); is it running, and is CORE_STORE_URL right?`);
  });
  const body = await response.text();
  if (!response.ok) {
    process.stderr.write(`directory:resync: core-store answered ${response.status}: ${body}\n`);
    return 1;
  }
  const { tenants, apiKeys } = JSON.parse(body) as { tenants: number; apiKeys: number };
  process.stdout.write(`Queued on tenant-events: ${tenants} tenant(s), ${apiKeys} API key(s).\n`);
  return 0;
}

function localAdminToken(dataDir: string): string | undefined {
  const file = join(dataDir, 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`directory:resync: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
