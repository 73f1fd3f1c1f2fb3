import { Redis } from 'ioredis';
import { Cache } from './cache';

/** Cache on Redis (Azure Cache for Redis in production): JSON values under a service prefix, TTL in ms. */
export class RedisCache implements Cache {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // One retry, then the command fails: callers fall back to the database instead of waiting.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
    // Connection errors surface as failed commands; unheard 'error' events would crash the process.
    this.redis.on('error', () => undefined);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', ttlMs);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map((key) => this.prefix + key));
  }

  /** Waits until the connection is up; for readiness checks and start-up. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
