import type { DUNNING_STEPS } from '../database/schema';

export type DunningStepKind = (typeof DUNNING_STEPS)[number];

const DAY_MS = 24 * 60 * 60 * 1_000;

export interface PlannedStep {
  stripeInvoiceId: string;
  step: Extract<DunningStepKind, 'reminder' | 'restricted'>;
  sequence: number;
  dueAt: Date;
}

/**
 * The dunning schedule of a failed invoice: a reminder on each of DUNNING_REMINDER_DAYS after the
 * failure (numbered from 1 in day order), and the end of grace (`restricted`) DUNNING_GRACE_DAYS
 * after it.
 */
export class DunningCalendar {
  private readonly reminderDays: number[];

  constructor(
    reminderDays: string,
    private readonly graceDays: number,
  ) {
    this.reminderDays = [...new Set(reminderDays.split(',').map(Number))].sort((a, b) => a - b);
  }

  stepsFor(stripeInvoiceId: string, failedAt: Date): PlannedStep[] {
    const after = (days: number) => new Date(failedAt.getTime() + days * DAY_MS);
    return [
      ...this.reminderDays.map((days, index) => ({ stripeInvoiceId, step: 'reminder' as const, sequence: index + 1, dueAt: after(days) })),
      { stripeInvoiceId, step: 'restricted', sequence: 1, dueAt: after(this.graceDays) },
    ];
  }
}
