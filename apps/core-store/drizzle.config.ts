import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/core-store/drizzle.config.ts` (see README: adding a migration).
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/core-store/src/database/schema.ts',
  out: './migrations/core',
});
