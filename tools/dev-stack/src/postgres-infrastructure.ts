import { join } from 'node:path';
import { isPortOpen, startEmbeddedPostgres } from '@comply/local-infra';
import { Client } from 'pg';

export interface PostgresForStack {
  adminUrl: string;
  /** "embedded PostgreSQL 127.0.0.1:54329 (.data/postgres)" or "DATABASE_URL host:port". */
  description: string;
  stop(): Promise<void>;
}

async function verifyAnswers(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL server the stack runs on: DATABASE_URL when set (nothing is started), otherwise
 * an embedded server whose data stays under `<dataDir>/postgres` between runs.
 */
export async function providePostgres(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
}): Promise<PostgresForStack> {
  if (options.databaseUrl) {
    const { hostname, port } = new URL(options.databaseUrl);
    await verifyAnswers(options.databaseUrl).catch((error: Error) => {
      throw new Error(`DATABASE_URL (${hostname}:${port || 5432}) does not answer: ${error.message}`);
    });
    return { adminUrl: options.databaseUrl, description: `DATABASE_URL ${hostname}:${port || 5432}`, stop: async () => undefined };
  }
  if (await isPortOpen('127.0.0.1', options.embeddedPort)) {
    throw new Error(
      `Port ${options.embeddedPort} for the embedded PostgreSQL is taken (is another \`npm start\` running?). Stop it or set EMBEDDED_PG_PORT.`,
    );
  }
  const dataDir = join(options.dataDir, 'postgres');
  const server = await startEmbeddedPostgres({ dataDir, port: options.embeddedPort });
  return {
    adminUrl: server.adminUrl,
    description: `embedded PostgreSQL 127.0.0.1:${server.port} (${dataDir})`,
    stop: () => server.stop(),
  };
}
