import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { AppModule } from './app.module';
import { backupSchema } from './database/schema';

void runService({ service: 'backup-worker', module: AppModule, schema: backupSchema });
