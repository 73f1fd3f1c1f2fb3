import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { analyticsService } from './analytics-service';

void runService(analyticsService);
