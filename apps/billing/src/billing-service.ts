import { StartServiceOptions } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { BillingSettings, billingSettings } from './billing-settings';
import { billingSchema } from './database/schema';

/** How billing starts, shared by main.ts and the tests that run it in-process. */
export const billingService: StartServiceOptions<BillingSettings> = {
  service: 'billing',
  module: AppModule,
  schema: billingSchema,
  settings: billingSettings,
};
