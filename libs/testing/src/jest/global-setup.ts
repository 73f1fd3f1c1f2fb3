import { describeBlobSource, resolveBlobStorage } from '../blob-resolution';
import { describePostgres, resolvePostgres } from '../postgres-resolution';
import { resolveRedis } from '../redis-resolution';
import { TEST_ADMIN_URL_VARIABLE } from '../test-databases';
import {
  HARNESS_STATE,
  HarnessState,
  TEST_BLOB_CONNECTION_STRING_VARIABLE,
  TEST_REDIS_NOTES_VARIABLE,
  TEST_REDIS_URL_VARIABLE,
} from './harness-state';

/**
 * Jest globalSetup: finds (or starts) PostgreSQL, Redis and blob storage once per jest run and
 * hands them to the test workers through environment variables.
 */
export default async function globalSetup(): Promise<void> {
  // Azurite starts in its own process while PostgreSQL and Redis are looked for.
  const pendingBlob = resolveBlobStorage();
  const stopBlobAndFail = async (error: unknown): Promise<never> => {
    await pendingBlob.then((blob) => blob.stop(), () => undefined);
    throw error;
  };
  const postgres = await resolvePostgres().catch(stopBlobAndFail);
  const { redis, notes: redisNotes } = await resolveRedis().catch(stopBlobAndFail);
  const blob = await pendingBlob;
  process.env[TEST_ADMIN_URL_VARIABLE] = postgres.adminUrl;
  if (redis) process.env[TEST_REDIS_URL_VARIABLE] = redis.url;
  else process.env[TEST_REDIS_NOTES_VARIABLE] = redisNotes.join('; ');
  process.env[TEST_BLOB_CONNECTION_STRING_VARIABLE] = blob.connectionString;

  const state: HarnessState = { stops: [postgres.stop, ...(redis ? [redis.stop] : []), blob.stop] };
  (globalThis as Record<string, unknown>)[HARNESS_STATE] = state;

  const lines = [`test PostgreSQL: ${describePostgres(postgres)}`];
  if (postgres.notes.length) lines.push(`  (passed over: ${postgres.notes.join('; ')})`);
  lines.push(redis ? `test Redis: ${redis.source} ${redis.url}` : `test Redis: none found (${redisNotes.join('; ')})`);
  lines.push(`test blob storage: ${describeBlobSource(blob)}`);
  if (blob.source === 'embedded' && blob.notes.some((note) => note !== 'BLOB_CONNECTION_STRING is not set')) {
    lines.push(`  (passed over: ${blob.notes.join('; ')})`);
  }
  process.stderr.write(`\n${lines.join('\n')}\n`);
}
