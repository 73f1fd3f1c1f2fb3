/**
 * The instant a meter event is dated: now, or for a slice of a past month its month's last second,
 * so Stripe bills the usage in the period it belongs to. (Stripe accepts timestamps up to 35 days
 * back; an older slice is refused and its report marked failed.) Seconds since the epoch.
 */
export function meterEventTimestamp(period: string, now: Date): number {
  const [year, month] = period.split('-').map(Number);
  const nextPeriodStart = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 literally; months count from 0, so `month` is the next one.
  nextPeriodStart.setUTCFullYear(year, month, 1);
  return Math.floor(Math.min(now.getTime(), nextPeriodStart.getTime() - 1_000) / 1_000);
}
