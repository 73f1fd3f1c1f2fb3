import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LocalAdminToken {
  token: string;
  /** Where it is kept when `npm start` made it; undefined when ADMIN_TOKEN came from the environment. */
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
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return { token: readFileSync(file, 'utf8').trim(), file };
}
