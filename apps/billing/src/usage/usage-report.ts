/** What GET /v1/billing/usage computes from the metered quantity and the plan's included records. */
export interface UsageFigures {
  remaining: number | null;
  percent: number | null;
}

/** Remaining is never negative; both are null when the plan is unlimited, and percent when it includes nothing. */
export function usageFiguresOf(used: number, included: number | null): UsageFigures {
  if (included === null) return { remaining: null, percent: null };
  return {
    remaining: Math.max(0, included - used),
    percent: included === 0 ? null : Math.round((used / included) * 1_000) / 10,
  };
}

/** The UTC month an instant falls in, as `YYYY-MM`. */
export function periodOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}
