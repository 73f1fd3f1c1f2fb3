import { describePostgres, resolvePostgres } from '../postgres-resolution';
import { resolveRedis } from '../redis-resolution';
import { TEST_ADMIN_URL_VARIABLE } from '../test-databases';
import { HARNESS_STATE, HarnessState, TEST_REDIS_URL_VARIABLE, TEST_REDIS_NOTES_VARIABLE } from './harness-state';

/**
 * Jest globalSetup: finds (or starts) PostgreSQL and Redis once per jest run and hands their
 * URLs to the test workers through environment variables.
 */
export default async function globalSetup(): Promise<void> {
  const postgres = await resolvePostgres();
  process.env[TEST_ADMIN_URL_VARIABLE] = postgres.adminUrl;
  const { redis, notes: redisNotes } = await resolveRedis();
  if (redis) process.env[TEST_REDIS_URL_VARIABLE] = redis.url;
  else process.env[TEST_REDIS_NOTES_VARIABLE] = redisNotes.join('; ');

  const state: HarnessState = { stops: [postgres.stop, ...(redis ? [redis.stop] : [])] };
  (globalThis as Record<string, unknown>)[HARNESS_STATE] = state;

  const lines = [`test PostgreSQL: ${describePostgres(postgres)}`];
  if (postgres.notes.length) lines.push(`  (passed over: ${postgres.notes.join('; ')})`);
  lines.push(redis ? `test Redis: ${redis.source} ${redis.url}` : `test Redis: none found (${redisNotes.join('; ')})`);
  process.stderr.write(`\n${lines.join('\n')}\n`);
}
