import { LOCAL_REDIS_URL, resolveRedis } from './redis-resolution';
import { isPortOpen } from '@comply/local-infra';

describe('resolveRedis', () => {
  it('passes over a REDIS_URL that does not answer, saying so, then tries the local server', async () => {
    const { redis, notes } = await resolveRedis({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(notes[0]).toBe('REDIS_URL did not answer PING');
    if (await isPortOpen('127.0.0.1', 6379)) {
      expect(redis).toMatchObject({ source: 'local', url: LOCAL_REDIS_URL });
    } else {
      expect(notes).toContain('no local Redis at 127.0.0.1:6379');
    }
  });

  it('uses a REDIS_URL that answers PING', async () => {
    const local = await resolveRedis({});
    if (!local.redis) throw new Error(`this test needs a Redis: ${local.notes.join('; ')}`);
    const { redis } = await resolveRedis({ REDIS_URL: local.redis.url });
    expect(redis).toMatchObject({ source: 'env', url: local.redis.url });
  });
});
