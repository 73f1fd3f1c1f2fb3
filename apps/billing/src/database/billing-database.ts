import type { DatabaseClient, TenantTransaction } from '@comply/persistence';
import { BillingSchema } from './schema';

/** The platform's DATABASE_CLIENT as billing sees it: typed by the billing schema. */
export type BillingDatabase = DatabaseClient<BillingSchema>;
export type BillingTransaction = TenantTransaction<BillingSchema>;
