import { USAGE_THRESHOLDS } from '@comply/contracts';

export type UsageThreshold = (typeof USAGE_THRESHOLDS)[number];

/** The thresholds (80 %, 100 % of the included records) that `used` has reached; none for an unlimited plan. */
export function thresholdsReached(used: number, includedRecords: number | null): UsageThreshold[] {
  if (includedRecords === null) return [];
  return USAGE_THRESHOLDS.filter((percent) => used * 100 >= includedRecords * percent);
}
