/**
 * drizzle schema of the `analytics` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/analytics/; row-level security lives in hand-written migrations beside them.
 */
export const analyticsSchema = {};
export type AnalyticsSchema = typeof analyticsSchema;
