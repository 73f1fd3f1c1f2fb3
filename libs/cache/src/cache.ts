/** A cache of JSON values with a time to live, shared by the replicas of a service when Redis backs it. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Cache-aside: the cached value when there is one, otherwise `load()`'s result, cached for `ttlMs`.
 * `undefined` (not found) is not cached, so a record created a moment later is seen at once. A
 * cache that fails (Redis down) counts as a miss: reads go to the source instead of failing.
 */
export async function getOrLoad<T>(cache: Cache, key: string, ttlMs: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
  const cached = await cache.get<T>(key).catch(() => undefined);
  if (cached !== undefined) return cached;
  const loaded = await load();
  if (loaded !== undefined) await cache.set(key, loaded, ttlMs).catch(() => undefined);
  return loaded;
}

/**
 * Keys are namespaced by tenant, so one tenant's entry can never answer another tenant's read,
 * whatever ids look like. Parts are URI-encoded so a ':' in an id cannot forge another namespace.
 */
export function tenantKey(tenantId: string, ...parts: string[]): string {
  if (!tenantId) throw new Error('tenantKey requires a tenant id');
  return ['tenant', tenantId, ...parts].map(encodeURIComponent).join(':');
}
