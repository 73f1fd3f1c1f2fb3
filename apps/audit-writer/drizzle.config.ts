import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/audit-writer/drizzle.config.ts` (see README: adding a migration).
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/audit-writer/src/database/schema.ts',
  out: './migrations/audit',
});
