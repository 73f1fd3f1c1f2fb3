/**
 * drizzle schema of the `billing` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/billing/; row-level security lives in hand-written migrations beside them.
 */
export const billingSchema = {};
export type BillingSchema = typeof billingSchema;
