import { Client } from 'pg';

/** One query on a fresh connection: for arranging fixtures and reading raw rows in tests. */
export async function queryOnce<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
