/**
 * drizzle schema of the `audit` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/audit/; row-level security lives in hand-written migrations beside them.
 */
export const auditSchema = {};
export type AuditSchema = typeof auditSchema;
