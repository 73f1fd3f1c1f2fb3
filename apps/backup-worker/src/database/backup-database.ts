import type { DatabaseClient, TenantTransaction } from '@comply/persistence';
import { BackupSchema } from './schema';

/** The platform's DATABASE_CLIENT as backup-worker sees it: the catalog, typed by the backup schema. */
export type CatalogDatabase = DatabaseClient<BackupSchema>;
export type CatalogTransaction = TenantTransaction<BackupSchema>;
