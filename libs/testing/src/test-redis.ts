import { TEST_REDIS_NOTES_VARIABLE, TEST_REDIS_URL_VARIABLE } from './jest/harness-state';

/** The Redis the harness found; fails the suite with the reasons when there is none. */
export function testRedisUrl(): string {
  const url = process.env[TEST_REDIS_URL_VARIABLE];
  if (url) return url;
  throw new Error(
    `No Redis for tests (${process.env[TEST_REDIS_NOTES_VARIABLE] ?? 'harness globalSetup did not run'}). Set REDIS_URL or start redis-server on 127.0.0.1:6379.`,
  );
}
