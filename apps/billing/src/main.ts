import 'reflect-metadata';
import { runService } from '@comply/service-runtime';
import { billingService } from './billing-service';

void runService(billingService);
