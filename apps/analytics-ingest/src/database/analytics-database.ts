import type { DatabaseClient, TenantTransaction } from '@comply/persistence';
import { AnalyticsSchema } from './schema';

/** The platform's DATABASE_CLIENT as analytics-ingest sees it: typed by the analytics schema. */
export type AnalyticsDatabase = DatabaseClient<AnalyticsSchema>;
export type AnalyticsTransaction = TenantTransaction<AnalyticsSchema>;
