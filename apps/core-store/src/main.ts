import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { coreSchema } from './database/schema';

void runService({ service: 'core-store', module: AppModule, schema: coreSchema });
