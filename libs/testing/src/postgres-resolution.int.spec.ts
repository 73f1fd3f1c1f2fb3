import { isPortOpen } from '@comply/local-infra';
import { Client } from 'pg';
import { resolvePostgres } from './postgres-resolution';

async function serverVersion(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ server_version_num: string }>('show server_version_num');
    return Number(result.rows[0].server_version_num);
  } finally {
    await client.end();
  }
}

describe('resolvePostgres', () => {
  it('passes over a DATABASE_URL that does not answer and falls back to the next source', async () => {
    const resolved = await resolvePostgres({ DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/postgres' });
    try {
      expect(resolved.source).not.toBe('env');
      expect(resolved.notes[0]).toMatch(/^DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres\) did not answer/);
      expect(resolved.notes.join(' ')).not.toContain('secret');
      expect(await serverVersion(resolved.adminUrl)).toBeGreaterThanOrEqual(150000);
    } finally {
      await resolved.stop();
    }
  });

  it('starts an embedded PostgreSQL when told to, and stops it afterwards', async () => {
    const resolved = await resolvePostgres({ TEST_POSTGRES: 'embedded' });
    const port = Number(new URL(resolved.adminUrl).port);
    expect(resolved.source).toBe('embedded');
    expect(await serverVersion(resolved.adminUrl)).toBeGreaterThanOrEqual(180000);
    await resolved.stop();
    expect(await isPortOpen('127.0.0.1', port)).toBe(false);
  }, 60_000);

  it('uses a DATABASE_URL that answers', async () => {
    const embedded = await resolvePostgres({ TEST_POSTGRES: 'embedded' });
    try {
      const resolved = await resolvePostgres({ DATABASE_URL: embedded.adminUrl });
      expect(resolved).toMatchObject({ source: 'env', adminUrl: embedded.adminUrl });
    } finally {
      await embedded.stop();
    }
  }, 60_000);

  it('rejects an unknown TEST_POSTGRES value by name', async () => {
    await expect(resolvePostgres({ TEST_POSTGRES: 'cloud' })).rejects.toThrow(
      'TEST_POSTGRES must be one of auto, env, local, embedded, container (got "cloud")',
    );
  });

  it('says what it tried when no source is available', async () => {
    await expect(resolvePostgres({ TEST_POSTGRES: 'env' })).rejects.toThrow(/No PostgreSQL server for tests:\n {2}- DATABASE_URL is not set/);
  });
});
