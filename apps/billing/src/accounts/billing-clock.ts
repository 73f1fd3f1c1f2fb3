import { Injectable } from '@nestjs/common';

/**
 * Where billing reads "now" for decisions that depend on time: when a dunning step is due, when
 * grace ends, the instant a quota change carries. Injected under BILLING_CLOCK, so a test moves
 * time instead of waiting.
 */
export interface BillingClock {
  now(): Date;
}

export const BILLING_CLOCK = Symbol('BillingClock');

@Injectable()
export class SystemClock implements BillingClock {
  now(): Date {
    return new Date();
  }
}
