import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { backupWorkerService } from './backup-worker-service';

void runService(backupWorkerService);
