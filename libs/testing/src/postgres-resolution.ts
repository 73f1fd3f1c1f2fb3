import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@comply/local-infra';
import { Client } from 'pg';
import { hasContainerRuntime } from './container-runtime';

export type PostgresSource = 'env' | 'local' | 'embedded' | 'container';

export interface ResolvedPostgres {
  adminUrl: string;
  source: PostgresSource;
  /** What was tried and why it was passed over, for the report. */
  notes: string[];
  /** Stops what the harness started; a no-op for servers it found running. */
  stop(): Promise<void>;
}

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const SOURCES: readonly PostgresSource[] = ['env', 'local', 'embedded', 'container'];

async function answers(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function startContainer(): Promise<ResolvedPostgres> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  return {
    adminUrl: `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
    source: 'container',
    notes: [],
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * Finds a PostgreSQL server for tests, in this order: DATABASE_URL (an admin URL) → a local server
 * on 127.0.0.1:5432 → an embedded PostgreSQL started under a temp dir → a testcontainers container
 * when a Docker engine exists. TEST_POSTGRES=env|local|embedded|container forces one source.
 */
export async function resolvePostgres(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedPostgres> {
  const forced = env.TEST_POSTGRES && env.TEST_POSTGRES !== 'auto' ? (env.TEST_POSTGRES as PostgresSource) : undefined;
  if (forced && !SOURCES.includes(forced)) {
    throw new Error(`TEST_POSTGRES must be one of auto, ${SOURCES.join(', ')} (got "${forced}")`);
  }
  const wanted = (source: PostgresSource) => !forced || forced === source;
  const notes: string[] = [];
  const none = async () => undefined;

  if (wanted('env')) {
    if (env.DATABASE_URL) {
      const problem = await answers(env.DATABASE_URL);
      if (!problem) return { adminUrl: env.DATABASE_URL, source: 'env', notes, stop: none };
      notes.push(`DATABASE_URL (${redacted(env.DATABASE_URL)}) did not answer: ${problem}`);
    } else {
      notes.push('DATABASE_URL is not set');
    }
  }
  if (wanted('local')) {
    const problem = await answers(LOCAL_POSTGRES_URL);
    if (!problem) return { adminUrl: LOCAL_POSTGRES_URL, source: 'local', notes, stop: none };
    notes.push(`no local PostgreSQL at 127.0.0.1:5432: ${problem}`);
  }
  if (wanted('embedded')) {
    const dataDir = mkdtempSync(join(tmpdir(), 'comply-test-pg-'));
    try {
      const server = await startEmbeddedPostgres({ dataDir, port: 0 });
      return {
        adminUrl: server.adminUrl,
        source: 'embedded',
        notes,
        stop: async () => {
          await server.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      notes.push(`embedded PostgreSQL failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (wanted('container')) {
    if (await hasContainerRuntime()) return { ...(await startContainer()), notes };
    notes.push('no container runtime for testcontainers');
  }
  throw new Error(`No PostgreSQL server for tests:\n  - ${notes.join('\n  - ')}`);
}

export function describePostgres(resolved: ResolvedPostgres): string {
  const where = redacted(resolved.adminUrl);
  const detail: Record<PostgresSource, string> = {
    env: `DATABASE_URL ${where}`,
    local: `local server ${where}`,
    embedded: `embedded PostgreSQL ${where}`,
    container: `testcontainers container ${where}`,
  };
  return detail[resolved.source];
}
