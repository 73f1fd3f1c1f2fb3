import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { auditSchema } from './database/schema';

void runService({ service: 'audit-writer', module: AppModule, schema: auditSchema });
