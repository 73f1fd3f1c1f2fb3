export { isLocalHost, poolConfigFrom, requiresTls, type DatabaseConnectionSettings } from './connection-options';
export { createDatabaseClient, type Database, type DatabaseClient } from './database-client';
export { BACKUP_ROLE, databaseRoles, type DatabaseRoles } from './database-roles';
export { entraTokenPassword, POSTGRES_ENTRA_SCOPE } from './entra-token-provider';
export { ensureDatabaseAccess } from './migrations/database-bootstrap';
export { checksumOf, fingerprintOf, readMigrationFiles, type MigrationFile } from './migrations/migration-files';
export {
  MigrationHistoryError,
  runMigrations,
  urlForDatabase,
  type MigrateOptions,
  type MigrateResult,
} from './migrations/migration-runner';
export {
  compareMigrations,
  describeStatus,
  isCurrent,
  isServable,
  migrationStatus,
  MIGRATIONS_TABLE,
  type MigrationStatus,
} from './migrations/migration-status';
export { enterTenant, TENANT_SETTING, withTenant, type TenantTransaction } from './tenant-context';
export {
  classifyError,
  classOfSqlState,
  databaseErrorOf,
  describeDatabaseError,
  isConnectionError,
  type DatabaseErrorInfo,
  type ErrorClass,
} from './errors/database-error';
export { describeError, serializeError } from './errors/error-description';
