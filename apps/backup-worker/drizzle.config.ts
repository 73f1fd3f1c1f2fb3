import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/backup-worker/drizzle.config.ts` (see README: adding a migration).
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/backup-worker/src/database/schema.ts',
  out: './migrations/backup',
});
