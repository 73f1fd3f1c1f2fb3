import type { Client } from 'pg';
import { BACKUP_ROLE, DatabaseRoles } from '../database-roles';

const PERMISSION_DENIED = '42501';
const UNIQUE_VIOLATION = '23505';

/** Predefined roles the backup role inherits: read every relation, and see other sessions' transactions. */
const BACKUP_MEMBERSHIPS = ['pg_read_all_data', 'pg_read_all_stats'];

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

interface BackupRoleState {
  rolsuper: boolean;
  rolinherit: boolean;
  rolcanlogin: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolbypassrls: boolean;
  read_only: boolean;
  memberships: string[];
}

async function backupRoleState(admin: Client): Promise<BackupRoleState> {
  const result = await admin.query<BackupRoleState>(
    `select r.rolsuper, r.rolinherit, r.rolcanlogin, r.rolcreatedb, r.rolcreaterole, r.rolbypassrls,
            coalesce('default_transaction_read_only=on' = any(r.rolconfig), false) as read_only,
            array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
                  where m.member = r.oid order by 1)::text[] as memberships
       from pg_roles r where r.rolname = $1`,
    [BACKUP_ROLE],
  );
  return result.rows[0];
}

function backupRoleNeedsSuperuser(error: unknown): Error {
  return new Error(
    `The admin role may not give ${BACKUP_ROLE} what backups need (LOGIN INHERIT BYPASSRLS, membership in ${BACKUP_MEMBERSHIPS.join(', ')}): ` +
      `run this once as a superuser, then migrate again: CREATE ROLE ${BACKUP_ROLE} LOGIN INHERIT NOCREATEDB NOCREATEROLE BYPASSRLS; ` +
      `GRANT ${BACKUP_MEMBERSHIPS.join(', ')} TO ${BACKUP_ROLE}; ALTER ROLE ${BACKUP_ROLE} SET default_transaction_read_only = on`,
    { cause: error },
  );
}

/**
 * Creates or repairs the cluster-wide backup role: it reads every table (pg_read_all_data, BYPASSRLS
 * for reading only) and is a member of nothing that writes. Idempotent and safe to run concurrently.
 */
export async function ensureBackupRole(admin: Client): Promise<void> {
  const role = admin.escapeIdentifier(BACKUP_ROLE);
  const attributes = 'LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS';
  try {
    await admin.query(
      `DO $$ BEGIN CREATE ROLE ${role} ${attributes};
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
    const state = await backupRoleState(admin);
    if (state.rolsuper) throw new Error(`Role ${BACKUP_ROLE} is a SUPERUSER and could write; refusing to use it`);
    const foreign = state.memberships.filter((name) => !BACKUP_MEMBERSHIPS.includes(name));
    if (foreign.length > 0) {
      throw new Error(`Role ${BACKUP_ROLE} is a member of ${foreign.join(', ')} and could write through it; revoke that`);
    }
    if (!state.rolinherit || !state.rolcanlogin || state.rolcreatedb || state.rolcreaterole || !state.rolbypassrls) {
      await admin.query(`ALTER ROLE ${role} ${attributes}`);
    }
    // A second guard besides the privileges: its transactions are read-only unless it asks otherwise.
    if (!state.read_only) await admin.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
    for (const membership of BACKUP_MEMBERSHIPS.filter((name) => !state.memberships.includes(name))) {
      try {
        await admin.query(`GRANT ${admin.escapeIdentifier(membership)} TO ${role}`);
      } catch (error) {
        // A concurrent runner granted it first.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === PERMISSION_DENIED) throw backupRoleNeedsSuperuser(error);
    throw error;
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
 * and are not copied by CREATE DATABASE ... TEMPLATE, so clones call this again (and, skipping
 * the bootstrap, make sure the backup role exists).
 */
export async function ensureDatabaseAccess(target: Client, physicalName: string, roles: DatabaseRoles): Promise<void> {
  const db = target.escapeIdentifier(physicalName);
  const id = (role: string) => target.escapeIdentifier(role);
  const backupRole = await target.query('select 1 from pg_roles where rolname = $1', [BACKUP_ROLE]);
  if (!backupRole.rowCount) await ensureBackupRole(target);
  const statements = [
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${id(roles.app)}`,
    `GRANT CONNECT ON DATABASE ${db} TO ${id(BACKUP_ROLE)}`,
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
