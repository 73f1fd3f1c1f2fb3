import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/analytics-ingest/drizzle.config.ts` (see README: adding a migration).
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/analytics-ingest/src/database/schema.ts',
  out: './migrations/analytics',
});
