import { StartServiceOptions } from '@comply/service-runtime';
import { AnalyticsSettings, analyticsSettings } from './analytics-settings';
import { AppModule } from './app.module';
import { analyticsSchema } from './database/schema';

/** How analytics-ingest starts, shared by main.ts and the tests that run it in-process. */
export const analyticsService: StartServiceOptions<AnalyticsSettings> = {
  service: 'analytics-ingest',
  module: AppModule,
  schema: analyticsSchema,
  settings: analyticsSettings,
};
