import type { TokenCredential } from '@azure/identity';
import type { PoolConfig } from 'pg';
import { entraTokenPassword } from './entra-token-provider';

export interface DatabaseConnectionSettings {
  DB_HOST: string;
  DB_PORT: number;
  DB_NAME: string;
  DB_USER: string;
  DB_PASSWORD: string | undefined;
  DB_AUTH: 'password' | 'entra';
  DB_SSL: 'auto' | 'require' | 'disable';
  /** Unset: pg's default of 10. Services size it from what shares the pool (service runtime). */
  DB_POOL_MAX?: number;
  DB_STATEMENT_TIMEOUT_MS: number;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith('/');
}

/** TLS is required everywhere except on this machine, unless explicitly configured. */
export function requiresTls(settings: Pick<DatabaseConnectionSettings, 'DB_HOST' | 'DB_SSL'>): boolean {
  if (settings.DB_SSL === 'require') return true;
  if (settings.DB_SSL === 'disable') return false;
  return !isLocalHost(settings.DB_HOST);
}

export function poolConfigFrom(
  settings: DatabaseConnectionSettings,
  options: { applicationName: string; credential?: TokenCredential },
): PoolConfig {
  return {
    host: settings.DB_HOST,
    port: settings.DB_PORT,
    database: settings.DB_NAME,
    user: settings.DB_USER,
    password: settings.DB_AUTH === 'entra' ? entraTokenPassword(options.credential) : settings.DB_PASSWORD,
    ssl: requiresTls(settings) ? { rejectUnauthorized: true } : false,
    max: settings.DB_POOL_MAX,
    statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS || undefined,
    application_name: options.applicationName,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  };
}
