import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/billing/drizzle.config.ts` (see README: adding a migration).
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/billing/src/database/schema.ts',
  out: './migrations/billing',
});
