import type { DatabaseClient, TenantTransaction } from '@comply/persistence';
import { AuditSchema } from './schema';

/** The platform's DATABASE_CLIENT as audit-writer sees it: typed by the audit schema. */
export type AuditDatabase = DatabaseClient<AuditSchema>;
export type AuditTransaction = TenantTransaction<AuditSchema>;
