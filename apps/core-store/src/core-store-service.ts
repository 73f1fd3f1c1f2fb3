import { StartServiceOptions } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { CoreStoreSettings, coreStoreSettings } from './core-store-settings';
import { coreSchema } from './database/schema';

/** How core-store starts, shared by main.ts and the tests that run it in-process. */
export const coreStoreService: StartServiceOptions<CoreStoreSettings> = {
  service: 'core-store',
  module: AppModule,
  schema: coreSchema,
  settings: coreStoreSettings,
  bodyLimit: (config) => config.INGEST_MAX_BODY_BYTES,
};
