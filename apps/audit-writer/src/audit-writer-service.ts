import { StartServiceOptions } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { AuditWriterSettings, auditWriterSettings } from './audit-writer-settings';
import { auditSchema } from './database/schema';

/** How audit-writer starts, shared by main.ts and the tests that run it in-process. */
export const auditWriterService: StartServiceOptions<AuditWriterSettings> = {
  service: 'audit-writer',
  module: AppModule,
  schema: auditSchema,
  settings: auditWriterSettings,
};
