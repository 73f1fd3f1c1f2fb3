import { Injectable } from '@nestjs/common';
import type { StripeEventStatus } from '@comply/contracts';
import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, lte, sql, SQL } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { BillingSchema, stripeEvents } from '../database/schema';

/** The database or a transaction of it: stripe_events is platform-wide, so no tenant context is needed. */
export type BillingExecutor = PgDatabase<NodePgQueryResultHKT, BillingSchema>;

export type StripeEventRow = typeof stripeEvents.$inferSelect;
export type NewStripeEvent = Pick<typeof stripeEvents.$inferInsert, 'id' | 'type' | 'createdAt' | 'apiVersion' | 'livemode' | 'payload'>;
export type StripeEventSummaryRow = Omit<StripeEventRow, 'payload'>;

/** Where a page of the operator listing ends: received_at as PostgreSQL's exact text (microseconds), and the id. */
export interface StripeEventPosition {
  receivedAt: string;
  id: string;
}

export interface StripeEventFilter {
  status?: StripeEventStatus;
  type?: string;
  after?: StripeEventPosition;
  limit: number;
}

export interface FailureRecord {
  lastError: string;
  retryInMs: number;
  maxAttempts: number;
}

const { payload: _payload, ...summaryColumns } = getTableColumns(stripeEvents);

/** SQL of the inbound Stripe events: stored on receipt, processed from here, listed for operators. */
@Injectable()
export class StripeEventsRepository {
  /**
   * Stores a verified event; false when an event of that id is already stored (a redelivery).
   * Fixed statement text: this runs once per webhook request, the endpoint's hot path.
   */
  async insert(db: BillingExecutor, event: NewStripeEvent): Promise<boolean> {
    const result = await db.execute(sql`insert into stripe_events (id, type, created_at, api_version, livemode, payload)
      values (${event.id}, ${event.type}, ${event.createdAt}, ${event.apiVersion ?? null}, ${event.livemode ?? false}, ${JSON.stringify(event.payload)}::jsonb)
      on conflict (id) do nothing`);
    return (result.rowCount ?? 0) > 0;
  }

  /** Pending events due now, oldest Stripe `created` first. Not locked: each is locked (or skipped) in its own transaction. */
  async due(db: BillingExecutor, limit: number): Promise<StripeEventRow[]> {
    return db
      .select()
      .from(stripeEvents)
      .where(and(eq(stripeEvents.status, 'pending'), lte(stripeEvents.availableAt, sql`now()`)))
      .orderBy(asc(stripeEvents.createdAt), asc(stripeEvents.id))
      .limit(limit);
  }

  /** Locks the event while it is still pending and due; undefined when another worker holds it or it is no longer due. */
  async lockDue(tx: BillingExecutor, id: string): Promise<StripeEventRow | undefined> {
    const [row] = await tx
      .select()
      .from(stripeEvents)
      .where(and(eq(stripeEvents.id, id), eq(stripeEvents.status, 'pending'), lte(stripeEvents.availableAt, sql`now()`)))
      .for('update', { skipLocked: true });
    return row;
  }

  async markProcessed(tx: BillingExecutor, id: string, tenantId: string | null): Promise<void> {
    await tx
      .update(stripeEvents)
      .set({ status: 'processed', tenantId, attempts: sql`${stripeEvents.attempts} + 1`, lastError: null, processedAt: sql`now()` })
      .where(eq(stripeEvents.id, id));
  }

  /**
   * Counts a failed attempt: due again after `retryInMs`, or failed for good once it reached
   * `maxAttempts`. Only while still pending, so a worker that failed never overrides one that
   * processed the event meanwhile. Returns the new status, or undefined when it was not pending.
   */
  async recordFailure(db: BillingExecutor, id: string, failure: FailureRecord): Promise<{ status: StripeEventStatus; attempts: number } | undefined> {
    const [row] = await db
      .update(stripeEvents)
      .set({
        attempts: sql`${stripeEvents.attempts} + 1`,
        lastError: failure.lastError,
        status: sql`case when ${stripeEvents.attempts} + 1 >= ${failure.maxAttempts}::integer then 'failed' else 'pending' end`,
        availableAt: sql`now() + ${failure.retryInMs}::double precision * interval '1 millisecond'`,
      })
      .where(and(eq(stripeEvents.id, id), eq(stripeEvents.status, 'pending')))
      .returning({ status: stripeEvents.status, attempts: stripeEvents.attempts });
    return row;
  }

  /** Newest received first, without payloads; one row more than `limit`, which tells whether a next page exists. */
  async page(db: BillingExecutor, filter: StripeEventFilter): Promise<Array<StripeEventSummaryRow & { position: StripeEventPosition }>> {
    const conditions: SQL[] = [];
    if (filter.status) conditions.push(eq(stripeEvents.status, filter.status));
    if (filter.type) conditions.push(eq(stripeEvents.type, filter.type));
    if (filter.after) conditions.push(sql`(${stripeEvents.receivedAt}, ${stripeEvents.id}) < (${filter.after.receivedAt}::timestamptz, ${filter.after.id})`);
    const rows = await db
      .select({ ...summaryColumns, receivedAtText: sql<string>`${stripeEvents.receivedAt}::text` })
      .from(stripeEvents)
      .where(and(...conditions))
      .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
      .limit(filter.limit + 1);
    return rows.map(({ receivedAtText, ...row }) => ({ ...row, position: { receivedAt: receivedAtText, id: row.id } }));
  }

  async find(db: BillingExecutor, id: string): Promise<StripeEventRow | undefined> {
    const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
    return row;
  }

  /** Puts the event back to pending, due now, with a fresh count of attempts; returns it as it was before, or undefined when unknown. */
  async reopen(tx: BillingExecutor, id: string): Promise<StripeEventSummaryRow | undefined> {
    const [before] = await tx.select(summaryColumns).from(stripeEvents).where(eq(stripeEvents.id, id)).for('update');
    if (!before) return undefined;
    await tx
      .update(stripeEvents)
      .set({ status: 'pending', attempts: 0, lastError: null, availableAt: sql`now()`, processedAt: null })
      .where(eq(stripeEvents.id, id));
    return before;
  }

  /** The tenant of a Stripe customer billing knows, from any tenant context (a SECURITY DEFINER lookup). */
  async tenantOfCustomer(db: BillingExecutor, customerId: string): Promise<string | undefined> {
    const result = await db.execute<{ tenant_id: string | null }>(sql`select billing_tenant_of_customer(${customerId}) as tenant_id`);
    return result.rows[0]?.tenant_id ?? undefined;
  }

  /** The tenant an earlier processed event about one of these Stripe objects was applied to. */
  async tenantOfObjects(db: BillingExecutor, objectIds: string[]): Promise<string | undefined> {
    if (objectIds.length === 0) return undefined;
    const [row] = await db
      .select({ tenantId: stripeEvents.tenantId })
      .from(stripeEvents)
      .where(and(isNotNull(stripeEvents.tenantId), inArray(sql`${stripeEvents.payload} #>> '{data,object,id}'`, objectIds)))
      .orderBy(desc(stripeEvents.createdAt))
      .limit(1);
    return row?.tenantId ?? undefined;
  }
}
