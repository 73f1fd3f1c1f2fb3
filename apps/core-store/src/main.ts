import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { coreStoreService } from './core-store-service';

void runService(coreStoreService);
