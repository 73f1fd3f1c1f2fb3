import type { Client } from 'pg';
import { DatabaseRoles } from '../database-roles';

const PERMISSION_DENIED = '42501';

function roleList(roles: DatabaseRoles): string[] {
  return [roles.owner, roles.app, ...(roles.reader ? [roles.reader] : [])];
}

/**
 * Creates the owner, application and (optional) read-only roles if they are missing.
 * Roles are cluster-wide, so this is not a migration of one database; it is idempotent and
 * callers serialise it with an advisory lock.
 */
export async function ensureRoles(admin: Client, roles: DatabaseRoles): Promise<void> {
  const attributes: Record<string, string> = {
    [roles.owner]: 'NOLOGIN',
    [roles.app]: 'LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOBYPASSRLS',
  };
  if (roles.reader) attributes[roles.reader] = 'LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOBYPASSRLS';
  for (const role of roleList(roles)) {
    await admin.query(
      `DO $$ BEGIN CREATE ROLE ${admin.escapeIdentifier(role)} ${attributes[role]};
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
  }
  // Pre-existing roles are checked rather than altered: changing these attributes needs superuser.
  const unsafe = await admin.query<{ rolname: string }>(
    `select rolname from pg_roles where rolname = any($1) and (rolsuper or rolbypassrls)`,
    [[roles.app, roles.reader].filter(Boolean)],
  );
  if (unsafe.rows.length > 0) {
    throw new Error(
      `Role(s) ${unsafe.rows.map((r) => r.rolname).join(', ')} can bypass row-level security (SUPERUSER or BYPASSRLS); refusing to use them`,
    );
  }
  const self = await admin.query<{ rolsuper: boolean }>('select rolsuper from pg_roles where rolname = current_user');
  if (!self.rows[0]?.rolsuper) {
    // A non-superuser admin (Azure's) must be a member of the owner role to SET ROLE to it.
    await admin.query(`GRANT ${admin.escapeIdentifier(roles.owner)} TO CURRENT_USER`);
  }
}

/** Creates the database owned by the owner role when it does not exist. Returns whether it did. */
export async function ensureDatabase(admin: Client, physicalName: string, roles: DatabaseRoles): Promise<boolean> {
  const existing = await admin.query('select 1 from pg_database where datname = $1', [physicalName]);
  if (existing.rowCount) return false;
  try {
    await admin.query(
      `CREATE DATABASE ${admin.escapeIdentifier(physicalName)} OWNER ${admin.escapeIdentifier(roles.owner)}`,
    );
  } catch (error) {
    if ((error as { code?: string }).code === PERMISSION_DENIED) {
      throw new Error(
        `Database "${physicalName}" does not exist and the admin role may not create it (needs CREATEDB). Create it, owned by ${roles.owner}, then migrate again.`,
      );
    }
    throw error;
  }
  return true;
}

/**
 * Who may connect and use the public schema. Database-level grants live in a shared catalog
 * and are not copied by CREATE DATABASE ... TEMPLATE, so clones call this again.
 */
export async function ensureDatabaseAccess(target: Client, physicalName: string, roles: DatabaseRoles): Promise<void> {
  const db = target.escapeIdentifier(physicalName);
  const id = (role: string) => target.escapeIdentifier(role);
  const statements = [
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${id(roles.app)}`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${id(roles.owner)}`,
    `GRANT USAGE ON SCHEMA public TO ${id(roles.app)}`,
  ];
  if (roles.reader) {
    statements.push(`GRANT CONNECT ON DATABASE ${db} TO ${id(roles.reader)}`);
    statements.push(`GRANT USAGE ON SCHEMA public TO ${id(roles.reader)}`);
  }
  for (const statement of statements) await target.query(statement);
}
