/**
 * ioredis cache-aside with tenant-namespaced keys, and an in-process fallback when REDIS_URL is
 * unset. Public API is exported here as it lands.
 */
export {};
