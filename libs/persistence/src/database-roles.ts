/**
 * Role names for one logical database. Roles are cluster-wide in PostgreSQL, so the logical
 * name (not the physical one, which differs in tests) decides them.
 *
 * - owner: owns every object, NOLOGIN; migrations run as it through SET ROLE.
 * - app: what the service logs in as; owns nothing, no BYPASSRLS, so row-level security binds it.
 * - reader: SELECT only, for dashboards (analytics).
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
