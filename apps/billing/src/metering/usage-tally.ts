import type { IncomingEvent } from '@comply/messaging';

/** Records counted for one tenant in one batch, by UTC month. */
export interface TenantTally {
  tenantId: string;
  /** `YYYY-MM` → records, in period order. */
  byPeriod: Map<string, number>;
  /** The batch's last event of the tenant: the cause of what counting it publishes. */
  lastEvent: IncomingEvent<'record.stored.v1'>;
}

/** The UTC calendar month of an instant, "YYYY-MM". */
export function periodOf(instant: string): string {
  return new Date(instant).toISOString().slice(0, 7);
}

/**
 * Counts a batch of record.stored.v1 by tenant and the UTC month of `storedAt`. Tenants come in
 * id order and periods in time order, so concurrent batches lock usage rows in the same order and
 * never deadlock.
 */
export function tallyByTenant(events: IncomingEvent<'record.stored.v1'>[]): TenantTally[] {
  const tallies = new Map<string, TenantTally>();
  for (const event of events) {
    const { tenantId, storedAt } = event.payload;
    const tally = tallies.get(tenantId) ?? { tenantId, byPeriod: new Map<string, number>(), lastEvent: event };
    const period = periodOf(storedAt);
    tally.byPeriod.set(period, (tally.byPeriod.get(period) ?? 0) + 1);
    tally.lastEvent = event;
    tallies.set(tenantId, tally);
  }
  return [...tallies.values()]
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0))
    .map((tally) => ({ ...tally, byPeriod: new Map([...tally.byPeriod].sort(([a], [b]) => (a < b ? -1 : 1))) }));
}
