import { Module } from '@nestjs/common';
import { DunningSchedule } from './dunning-schedule';
import { DunningJob } from './dunning.job';
import { DunningRepository } from './dunning.repository';

/**
 * Dunning of failed invoices: the schedule the account reconciler keeps in line with the invoices
 * (DunningSchedule), and the job that takes the steps as they fall due.
 */
@Module({ providers: [DunningRepository, DunningSchedule, DunningJob], exports: [DunningSchedule] })
export class DunningModule {}
