/**
 * First day (UTC) of the month before `now`, as "YYYY-MM-DD": the oldest month a write may still
 * land in (a replica with a skewed clock), so partitions are kept from there on and only older
 * ones are dropped.
 */
export function previousMonthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
}
