import type { TokenCredential } from '@azure/identity';

/** Scope of Azure Database for PostgreSQL flexible server for Entra ID access tokens. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A pg `password` callback that returns an Entra ID access token, reusing it until shortly
 * before it expires so that a busy pool does not ask the identity endpoint per connection.
 */
export function entraTokenPassword(credential?: TokenCredential): () => Promise<string> {
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  let resolved: TokenCredential | undefined = credential;
  return async () => {
    if (cached && cached.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now()) return cached.token;
    if (!resolved) {
      const { DefaultAzureCredential } = await import('@azure/identity');
      resolved = new DefaultAzureCredential();
    }
    const token = await resolved.getToken(POSTGRES_ENTRA_SCOPE);
    if (!token) throw new Error('Entra ID returned no access token for Azure Database for PostgreSQL');
    cached = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
    return token.token;
  };
}
