import type { ProxyTarget } from '@comply/testing';

/**
 * Where each of the services' dependencies listens, read from the settings the suite would give
 * them, and those settings rewritten to go through a proxy on 127.0.0.1 instead.
 */

const PROXY_HOST = '127.0.0.1';
const BROKER_ENDPOINT = /(Endpoint=sb:\/\/)([^:;/]+):(\d+)/;
const BLOB_ENDPOINT = /(^|;)(\s*BlobEndpoint\s*=\s*)([^;]*)/i;

/** `Endpoint=sb://host:port;…`, as broker-process.ts reads it from the emulator. */
export function brokerTarget(connectionString: string): ProxyTarget {
  const match = BROKER_ENDPOINT.exec(connectionString);
  if (!match) throw new Error('the broker connection string has no Endpoint=sb://host:port');
  return { host: match[2], port: Number(match[3]) };
}

export function brokerConnectionStringThrough(connectionString: string, proxyPort: number): string {
  brokerTarget(connectionString);
  return connectionString.replace(BROKER_ENDPOINT, `$1${PROXY_HOST}:${proxyPort}`);
}

/** A redis:// URL; 6379 when it names no port. */
export function redisTarget(url: string): ProxyTarget {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}

export function redisUrlThrough(url: string, proxyPort: number): string {
  const parsed = new URL(url);
  parsed.hostname = PROXY_HOST;
  parsed.port = String(proxyPort);
  return parsed.toString();
}

/**
 * A storage connection string's `BlobEndpoint`, which must be plain http (Azurite): a TLS endpoint
 * reached through 127.0.0.1 would not match its certificate.
 */
export function blobTarget(connectionString: string): ProxyTarget {
  const match = BLOB_ENDPOINT.exec(connectionString);
  if (!match) throw new Error('the blob connection string has no BlobEndpoint (the fault suite proxies Azurite, whose string names one)');
  const endpoint = new URL(match[3].trim());
  if (endpoint.protocol !== 'http:') throw new Error(`the fault suite proxies only an http BlobEndpoint (Azurite), not ${endpoint.protocol}`);
  return { host: endpoint.hostname, port: Number(endpoint.port || 80) };
}

export function blobConnectionStringThrough(connectionString: string, proxyPort: number): string {
  blobTarget(connectionString);
  return connectionString.replace(BLOB_ENDPOINT, (_whole, start: string, key: string, value: string) => {
    const endpoint = new URL(value.trim());
    endpoint.hostname = PROXY_HOST;
    endpoint.port = String(proxyPort);
    return `${start}${key}${endpoint.toString().replace(/\/$/, '')}`;
  });
}
