export { hasContainerRuntime } from './container-runtime';
export { describePostgres, LOCAL_POSTGRES_URL, resolvePostgres, type PostgresSource, type ResolvedPostgres } from './postgres-resolution';
export { LOCAL_REDIS_URL, resolveRedis, type RedisSource, type ResolvedRedis } from './redis-resolution';
export { createTestDatabase, testAdminUrl, TEST_ADMIN_URL_VARIABLE, type TestDatabase } from './test-databases';
export { queryOnce } from './query-once';
export { startTestServiceBus } from './test-servicebus';
export { testRedisUrl } from './test-redis';
export { workspaceRoot } from '@comply/local-infra';
