import type { DatabaseClient, TenantTransaction } from '@comply/persistence';
import { CoreSchema } from './schema';

/** The platform's DATABASE_CLIENT as core-store sees it: typed by the core schema. */
export type CoreDatabase = DatabaseClient<CoreSchema>;
export type CoreTransaction = TenantTransaction<CoreSchema>;
