import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { billingSchema } from './database/schema';

void runService({ service: 'billing', module: AppModule, schema: billingSchema });
