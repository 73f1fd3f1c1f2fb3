import { StartServiceOptions } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { BackupWorkerSettings, backupWorkerSettings } from './backup-worker-settings';
import { backupSchema } from './database/schema';

/** How backup-worker starts, shared by main.ts, `npm run backup` and the tests that run it in-process. */
export const backupWorkerService: StartServiceOptions<BackupWorkerSettings> = {
  service: 'backup-worker',
  module: AppModule,
  schema: backupSchema,
  settings: backupWorkerSettings,
};
