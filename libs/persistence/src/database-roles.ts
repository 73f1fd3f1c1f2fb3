/**
 * Role names for one logical database. Roles are cluster-wide in PostgreSQL, so the logical
 * name (not the physical one, which differs in tests) decides them.
 *
 * - owner: owns every object, NOLOGIN; migrations run as it through SET ROLE.
 * - app: what the service logs in as; owns nothing, no BYPASSRLS, so row-level security binds it.
 * - reader: SELECT only, for dashboards (analytics).
 *
 * One further role is cluster-wide rather than per database: BACKUP_ROLE.
 */
export interface DatabaseRoles {
  owner: string;
  app: string;
  reader?: string;
}

export function databaseRoles(database: string, options: { withReader?: boolean } = {}): DatabaseRoles {
  if (!/^[a-z][a-z0-9_]*$/.test(database)) throw new Error(`Invalid logical database name "${database}"`);
  return {
    owner: `${database}_owner`,
    app: `${database}_app`,
    reader: options.withReader ? `${database}_reader` : undefined,
  };
}

/**
 * The one role that reads every table of every platform database, bypassing row-level security,
 * and writes nothing (member of pg_read_all_data only; read-only transactions by default).
 * backup-worker logs in as it to take consistent snapshots.
 */
export const BACKUP_ROLE = 'platform_backup';
