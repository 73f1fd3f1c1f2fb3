import { createTestDatabase, type TestDatabase } from '@comply/testing';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';

const INSUFFICIENT_PRIVILEGE = '42501';
const PERMISSION_DENIED = /permission denied for table audit_log/;
const APPEND_ONLY = (operation: string) => new RegExp(`audit_log is append-only: ${operation} is not allowed`);
const ZERO_HASH = Buffer.alloc(32);
const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** The storage rules of the audit trail (0005/0006 of migrations/audit) on a private, migrated audit database. */
describe('audit_log storage', () => {
  let database: TestDatabase;
  let app: Client;
  let admin: Client;

  /** One transaction of `client` in which `prepare` (tenant context, role, settings) ran first; rolled back on failure. */
  async function transaction<T>(client: Client, prepare: string[], work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      for (const statement of prepare) await client.query(statement);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  const tenantContext = (tenantId: string) => [`SELECT set_config('app.tenant_id', '${tenantId}', true)`];
  const asApp = <T>(tenantId: string, work: () => Promise<T>) => transaction(app, tenantContext(tenantId), work);
  const asOwner = <T>(work: () => Promise<T>, prepare: string[] = []) => transaction(admin, ['SET LOCAL ROLE audit_owner', ...prepare], work);

  function insertEntry(client: Client, logId: string, tenantId: string | null, sequence: number) {
    const canonical = Buffer.from(JSON.stringify({ logId, sequence }));
    return client.query(
      `INSERT INTO audit_log (log_id, sequence, tenant_id, occurred_at, event_id, actor_type, actor_id, action, resource_type,
         resource_id, outcome, correlation_id, service, host, source_ip, user_agent, details, canonical, leaf_hash, prev_hash, hash)
       VALUES ($1, $2, $3, now(), $4, 'user', 'u-1', 'apikey.created', 'api_key', 'k-1', 'success', 'corr-1', 'core-store',
         'host-1', '203.0.113.7', 'curl/8', '{"scopes":["read"]}', $5, $6, $7, $8)`,
      [logId, sequence, tenantId, randomUUID(), canonical, sha256(`leaf${sequence}`), ZERO_HASH, sha256(`hash${sequence}`)],
    );
  }

  /** A tenant log with `entries` entries, appended as the application does. */
  async function seedTenant(entries = 2): Promise<string> {
    const tenantId = `t-${randomUUID()}`;
    await asApp(tenantId, async () => {
      await app.query(`INSERT INTO audit_logs (log_id, tenant_id, head_hash) VALUES ($1, $1, $2)`, [tenantId, ZERO_HASH]);
      await app.query(`SELECT size FROM audit_logs WHERE log_id = $1 FOR UPDATE`, [tenantId]);
      for (let sequence = 0; sequence < entries; sequence++) await insertEntry(app, tenantId, tenantId, sequence);
      await app.query(`UPDATE audit_logs SET size = $2, head_hash = $3, frontier = NULL, updated_at = now() WHERE log_id = $1`, [tenantId, entries, sha256('head')]);
    });
    return tenantId;
  }

  async function rawCount(logId: string): Promise<number> {
    const result = await admin.query<{ count: number }>(`SELECT count(*)::int AS count FROM audit_log WHERE log_id = $1`, [logId]);
    return result.rows[0].count;
  }

  async function currentPartition(): Promise<string> {
    const result = await admin.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_log'::regclass AND c.relname = 'audit_log_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMM')`,
    );
    return result.rows[0].name;
  }

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    app = new Client({ connectionString: database.appUrl });
    admin = new Client({ connectionString: database.adminUrl });
    await app.connect();
    await admin.connect();
  });

  afterAll(async () => {
    await app?.end();
    await admin?.end();
    await database?.drop();
  });

  describe('partitions', () => {
    it('are monthly, from the previous month through three months ahead, current month included', async () => {
      const result = await admin.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_log'::regclass ORDER BY 1`,
      );
      const expected = [-1, 0, 1, 2, 3].map((offset) => {
        const now = new Date();
        const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
        return `audit_log_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
      });
      expect(result.rows.map((row) => row.name)).toEqual(expect.arrayContaining(expected));
      expect(await currentPartition()).toBe(expected[1]);
    });

    it('are extended by the application role, idempotently', async () => {
      const first = await app.query<{ name: string }>(`SELECT audit_ensure_partitions('2031-01-01', 2) AS name`);
      expect(first.rows.map((row) => row.name)).toEqual(['audit_log_p203101', 'audit_log_p203102']);
      const again = await app.query(`SELECT audit_ensure_partitions('2031-01-01', 2)`);
      expect(again.rows).toEqual([]);
    });

    it('are not readable directly by the application role', async () => {
      const partition = await currentPartition();
      await expect(app.query(`SELECT * FROM ${partition}`)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
    });
  });

  describe('the application role in its tenant context', () => {
    it('appends and reads its entries and advances its log head', async () => {
      const tenantId = await seedTenant(3);
      const rows = await asApp(tenantId, () =>
        app.query(`SELECT sequence::int AS sequence, tenant_id, outcome, details, recorded_at FROM audit_log WHERE log_id = $1 ORDER BY sequence`, [tenantId]),
      );
      expect(rows.rows.map((row) => row.sequence)).toEqual([0, 1, 2]);
      expect(rows.rows[0]).toMatchObject({ tenant_id: tenantId, outcome: 'success', details: { scopes: ['read'] } });
      const recorded = rows.rows.map((row) => (row.recorded_at as Date).getTime());
      expect([...recorded].sort((a, b) => a - b)).toEqual(recorded);
      const head = await asApp(tenantId, () => app.query(`SELECT size::int AS size FROM audit_logs WHERE log_id = $1`, [tenantId]));
      expect(head.rows).toEqual([{ size: 3 }]);
    });

    it('may not delete a log head', async () => {
      const tenantId = await seedTenant(0);
      await expect(asApp(tenantId, () => app.query(`DELETE FROM audit_logs WHERE log_id = $1`, [tenantId]))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(/permission denied for table audit_logs/),
      });
    });
  });

  describe('row-level security', () => {
    it("hides another tenant's entries and log head", async () => {
      const tenantA = await seedTenant(2);
      const tenantB = await seedTenant(1);
      const seenByB = await asApp(tenantB, () => app.query(`SELECT log_id FROM audit_log WHERE log_id = $1 UNION ALL SELECT log_id FROM audit_logs WHERE log_id = $1`, [tenantA]));
      expect(seenByB.rows).toEqual([]);
      const ownOfB = await asApp(tenantB, () => app.query(`SELECT DISTINCT log_id FROM audit_log`));
      expect(ownOfB.rows).toEqual([{ log_id: tenantB }]);
    });

    it('shows nothing without a tenant context', async () => {
      await seedTenant(1);
      expect((await app.query(`SELECT 1 FROM audit_log`)).rows).toEqual([]);
      expect((await app.query(`SELECT 1 FROM audit_logs`)).rows).toEqual([]);
    });

    it("refuses an entry for another tenant's log", async () => {
      const tenantA = await seedTenant(0);
      const tenantB = `t-${randomUUID()}`;
      await expect(asApp(tenantB, () => insertEntry(app, tenantA, tenantA, 0))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(/row-level security/),
      });
    });

    it('lets the application append platform events and read them back in the platform context only (0007)', async () => {
      await asApp('platform', async () => {
        await app.query(`INSERT INTO audit_logs (log_id, tenant_id, head_hash) VALUES ('platform', NULL, $1) ON CONFLICT (log_id) DO NOTHING`, [ZERO_HASH]);
        const head = await app.query(`SELECT size::int AS size FROM audit_logs WHERE log_id = 'platform' FOR UPDATE`);
        const sequence = head.rows[0].size as number;
        await insertEntry(app, 'platform', null, sequence);
        await app.query(`UPDATE audit_logs SET size = size + 1, frontier = NULL WHERE log_id = 'platform'`);
      });
      const seenByPlatform = await asApp('platform', () => app.query(`SELECT count(*)::int AS count FROM audit_log WHERE log_id = 'platform'`));
      expect(seenByPlatform.rows[0].count).toBeGreaterThanOrEqual(1);
      const tenantId = `t-${randomUUID()}`;
      expect((await asApp(tenantId, () => app.query(`SELECT 1 FROM audit_log WHERE log_id = 'platform'`))).rows).toEqual([]);
      await expect(asApp('platform', () => app.query(`UPDATE audit_log SET action = 'x.y' WHERE log_id = 'platform'`))).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      await expect(asApp('platform', () => app.query(`DELETE FROM audit_log WHERE log_id = 'platform'`))).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      expect((await asApp(tenantId, () => app.query(`SELECT 1 FROM audit_logs WHERE log_id = 'platform'`))).rows).toEqual([]);
      await expect(asApp(tenantId, () => insertEntry(app, 'platform', null, 99))).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      const seenByOwner = await asOwner(() => admin.query(`SELECT count(*)::int AS count FROM audit_log WHERE log_id = 'platform'`));
      expect(seenByOwner.rows[0].count).toBeGreaterThanOrEqual(1);
    });

    it("keeps 'platform' from being a tenant's log", async () => {
      await expect(asApp('platform', () => insertEntry(app, 'platform', 'platform', 0))).rejects.toMatchObject({ code: '23514' });
    });
  });

  describe('append-only', () => {
    const changes = (logId: string) => ({
      UPDATE: `UPDATE audit_log SET outcome = 'failure' WHERE log_id = '${logId}'`,
      DELETE: `DELETE FROM audit_log WHERE log_id = '${logId}'`,
      TRUNCATE: `TRUNCATE audit_log`,
    });

    it.each(['UPDATE', 'DELETE', 'TRUNCATE'] as const)('refuses %s to the application role', async (operation) => {
      const tenantId = await seedTenant(2);
      await expect(asApp(tenantId, () => app.query(changes(tenantId)[operation]))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(PERMISSION_DENIED),
      });
      expect(await rawCount(tenantId)).toBe(2);
    });

    it.each(['UPDATE', 'DELETE', 'TRUNCATE'] as const)('refuses %s to the owner, through the table and its partition', async (operation) => {
      const tenantId = await seedTenant(2);
      await expect(asOwner(() => admin.query(changes(tenantId)[operation]))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(APPEND_ONLY(operation)),
      });
      await expect(asOwner(() => admin.query(changes(tenantId)[operation]), tenantContext(tenantId))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(APPEND_ONLY(operation)),
      });
      const partition = await currentPartition();
      const direct = changes(tenantId)[operation].replace('audit_log', partition);
      await expect(asOwner(() => admin.query(direct))).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: expect.stringMatching(APPEND_ONLY(operation)),
      });
      expect(await rawCount(tenantId)).toBe(2);
    });
  });

  describe('the archival escape', () => {
    it('lets the owner delete with audit.archival = on', async () => {
      const tenantId = await seedTenant(2);
      const deleted = await asOwner(() => admin.query(`DELETE FROM audit_log WHERE log_id = $1`, [tenantId]), ["SET LOCAL audit.archival = 'on'"]);
      expect(deleted.rowCount).toBe(2);
      expect(await rawCount(tenantId)).toBe(0);
    });

    it('still refuses UPDATE to the owner in archival', async () => {
      const tenantId = await seedTenant(1);
      await expect(
        asOwner(() => admin.query(`UPDATE audit_log SET outcome = 'failure' WHERE log_id = $1`, [tenantId]), ["SET LOCAL audit.archival = 'on'"]),
      ).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: expect.stringMatching(APPEND_ONLY('UPDATE')) });
    });

    it('is closed to the application role and to any other role that sets it', async () => {
      const tenantId = await seedTenant(2);
      await expect(
        transaction(app, [...tenantContext(tenantId), "SET LOCAL audit.archival = 'on'"], () => app.query(`DELETE FROM audit_log WHERE log_id = $1`, [tenantId])),
      ).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: expect.stringMatching(PERMISSION_DENIED) });
      // The admin connection without SET ROLE: a role other than the owner (triggers still bind it).
      await expect(
        transaction(admin, ["SET LOCAL audit.archival = 'on'"], () => admin.query(`DELETE FROM audit_log WHERE log_id = $1`, [tenantId])),
      ).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE, message: expect.stringMatching(APPEND_ONLY('DELETE')) });
      expect(await rawCount(tenantId)).toBe(2);
    });
  });
});
