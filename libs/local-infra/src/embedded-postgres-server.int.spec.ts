import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres-server';
import { isPortOpen } from './port-probe';

describe('startEmbeddedPostgres', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'comply-embedded-pg-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('initialises a cluster, serves queries on loopback, stops, and restarts on the same data', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    const client = new Client({ connectionString: first.adminUrl });
    await client.connect();
    await client.query('create table kept (v int)');
    await client.query('insert into kept values (42)');
    const version = await client.query<{ server_version_num: string }>('show server_version_num');
    await client.end();
    expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);
    await first.stop();
    expect(await isPortOpen('127.0.0.1', first.port)).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, port: first.port });
    const again = new Client({ connectionString: second.adminUrl });
    await again.connect();
    const kept = await again.query<{ v: number }>('select v from kept');
    await again.end();
    await second.stop();
    expect(kept.rows).toEqual([{ v: 42 }]);
  }, 60_000);
});
