import { Injectable } from '@nestjs/common';

/** Where analytics reads "now": which hours are kept, which days are closed. Injected, so a test moves time instead of waiting. */
export interface AnalyticsClock {
  now(): Date;
}

export const ANALYTICS_CLOCK = Symbol('AnalyticsClock');

@Injectable()
export class SystemClock implements AnalyticsClock {
  now(): Date {
    return new Date();
  }
}
