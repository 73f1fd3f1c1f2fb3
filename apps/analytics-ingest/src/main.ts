import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { analyticsSchema } from './database/schema';

void runService({ service: 'analytics-ingest', module: AppModule, schema: analyticsSchema });
