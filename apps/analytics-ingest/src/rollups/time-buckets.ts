const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the UTC hour of an instant, ISO 8601. */
export function hourOf(instant: string | Date): string {
  const ms = new Date(instant).getTime();
  return new Date(ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS)).toISOString();
}

/** Start of the UTC day of an instant, ISO 8601. */
export function dayOf(instant: string | Date): string {
  const ms = new Date(instant).getTime();
  return new Date(ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS)).toISOString();
}

/**
 * The days hourly rollups are kept for: from the oldest retained day to the last day partitions are
 * made ahead for (exclusive). An event outside it still counts in the daily rollups; its hour is
 * not kept (too old to keep, or too far ahead of the clock for a partition to exist).
 */
export class HourlyWindow {
  readonly fromMs: number;
  readonly toMs: number;

  constructor(now: Date, retentionDays: number, daysAhead: number) {
    const today = Date.parse(dayOf(now));
    this.fromMs = today - (retentionDays - 1) * DAY_MS;
    this.toMs = today + (daysAhead + 1) * DAY_MS;
  }

  contains(bucket: string): boolean {
    const ms = Date.parse(bucket);
    return ms >= this.fromMs && ms < this.toMs;
  }
}
