import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { classifyError, databaseErrorOf } from './database-error';
import { describeError } from './error-description';

// The harness's server (libs/testing globalSetup); read directly because the harness depends on this library.
const adminUrl = process.env.COMPLY_TEST_PG_ADMIN_URL;
if (!adminUrl) throw new Error('COMPLY_TEST_PG_ADMIN_URL is not set: run through jest with the harness globalSetup');

/** What real PostgreSQL answers to hostile values sent through drizzle, as the services send them. */
describe('database errors from a real server', () => {
  const pool = new Pool({ connectionString: adminUrl, max: 3 });
  const db = drizzle(pool);
  const table = `errors_spec_${process.pid}`;

  beforeAll(async () => {
    await pool.query(`create table ${table} (id int primary key, label text, doc jsonb, at timestamptz, amount integer)`);
  });
  afterAll(async () => {
    await pool.query(`drop table if exists ${table}`);
    await pool.end();
  });

  async function failureOf(value: Record<string, unknown>): Promise<unknown> {
    const columns = Object.keys(value);
    const statement = sql.raw(`insert into ${table} (${columns.join(', ')}) values (`);
    const params = sql.join(
      columns.map((column) => sql`${column === 'doc' ? JSON.stringify(value[column]) : value[column]}`),
      sql`, `,
    );
    try {
      await db.execute(sql`${statement}${params})`);
    } catch (error) {
      return error;
    }
    throw new Error(`insert of ${JSON.stringify(columns)} succeeded`);
  }

  it.each([
    ['NUL in text', { id: 1, label: 'a\u0000b' }, '22021'],
    ['NUL in jsonb', { id: 2, doc: { key: 'a\u0000b' } }, '22P05'],
    ['an unpaired surrogate in jsonb', { id: 3, doc: { key: '\uD800' } }, '22P02'],
    ['year 0000', { id: 4, at: '0000-01-01T00:00:00Z' }, '22008'],
    ['an integer beyond 32 bits', { id: 5, amount: 2 ** 31 }, '22003'],
  ])('%s is invalid data, described without the value', async (_name, value, sqlState) => {
    const error = await failureOf(value);
    expect(databaseErrorOf(error)?.sqlState).toBe(sqlState);
    expect(classifyError(error)).toBe('invalid-data');
    expect(describeError(error)).toMatch(new RegExp(`^SQLSTATE ${sqlState} `));
    for (const value of ['a\u0000b', '\\u0000', '0000-01-01', '2147483648']) expect(describeError(error)).not.toContain(value);
  });

  it('a duplicate key is a conflict naming the constraint', async () => {
    await pool.query(`insert into ${table} (id, label) values (100, 'first')`);
    const error = await failureOf({ id: 100, label: 'second' });
    expect(classifyError(error)).toBe('conflict');
    expect(describeError(error)).toBe(`SQLSTATE 23505 unique_violation on ${table} (constraint ${table}_pkey)`);
  });

  it('a serialization failure between two transactions is transient', async () => {
    await pool.query(`insert into ${table} (id, amount) values (200, 0)`);
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      for (const client of [a, b]) {
        await client.query('begin isolation level serializable');
        await client.query(`select amount from ${table} where id = 200`);
      }
      await a.query(`update ${table} set amount = 1 where id = 200`);
      await a.query('commit');
      const error = await b.query(`update ${table} set amount = 2 where id = 200`).catch((failure: unknown) => failure);
      expect(databaseErrorOf(error)?.sqlState).toBe('40001');
      expect(classifyError(error)).toBe('transient');
    } finally {
      await b.query('rollback');
      a.release();
      b.release();
    }
  });
});
