import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { auditWriterService } from './audit-writer-service';

void runService(auditWriterService);
