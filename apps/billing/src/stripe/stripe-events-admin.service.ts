import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { StripeEventDetail, StripeEventList, StripeEventListQuery, StripeEventSummary } from '@comply/contracts';
import { DATABASE_CLIENT, invalidRequest } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { decodeStripeEventCursor, encodeStripeEventCursor } from './stripe-event-cursor';
import { StripeEventProcessor } from './stripe-event-processor';
import { StripeEventRow, StripeEventsRepository, StripeEventSummaryRow } from './stripe-events.repository';
import { recordAdminAction } from '@comply/tenant-directory';

/**
 * What operators do with stored Stripe events: list them (no payloads), read one (with its
 * payload, which holds customers' personal data) and re-process one. Each action is audited;
 * reading, because a payload holds what a customer told Stripe.
 */
@Injectable()
export class StripeEventsAdminService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly events: StripeEventsRepository,
    private readonly processor: StripeEventProcessor,
  ) {}

  async list(query: StripeEventListQuery, requestId: string): Promise<StripeEventList> {
    const after = query.cursor === undefined ? undefined : decodeStripeEventCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw invalidRequest('query', [{ path: 'cursor', message: 'Not a cursor this listing issued' }]);
    const rows = await this.events.page(this.database.db, { status: query.status, type: query.type, after, limit: query.limit });
    const page = rows.slice(0, query.limit);
    await recordAdminAction(this.database.db, {
      action: 'stripe_event.list',
      resource: { type: 'stripe_event' },
      requestId,
      details: { status: query.status ?? null, type: query.type ?? null, returned: page.length },
    });
    return {
      items: page.map(summaryOf),
      nextCursor: rows.length > query.limit ? encodeStripeEventCursor(page[page.length - 1].position) : null,
    };
  }

  async get(id: string, requestId: string): Promise<StripeEventDetail> {
    const event = await this.existing(id);
    await recordAdminAction(this.database.db, {
      action: 'stripe_event.read',
      resource: { type: 'stripe_event', id },
      tenantId: event.tenantId ?? undefined,
      requestId,
    });
    return detailOf(event);
  }

  /**
   * Puts a processed or failed event back to pending, with its attempts counted afresh, and
   * processes it at once; answers the event as that left it (`pending` with a new lastError when
   * it failed again, and then retried as usual). Re-processing a processed event changes nothing
   * unless the stored state is older than the event (the ordering rules hold as ever).
   */
  async reprocess(id: string, requestId: string): Promise<StripeEventDetail> {
    await this.database.db.transaction(async (tx) => {
      const before = await this.events.reopen(tx, id);
      if (!before) throw unknownEvent(id);
      await recordAdminAction(tx, {
        action: 'stripe_event.reprocess',
        resource: { type: 'stripe_event', id },
        tenantId: before.tenantId ?? undefined,
        requestId,
        details: { type: before.type, previousStatus: before.status, previousAttempts: before.attempts },
      });
    });
    await this.processor.processNow(id);
    return detailOf(await this.existing(id));
  }

  private async existing(id: string): Promise<StripeEventRow> {
    const event = await this.events.find(this.database.db, id);
    if (!event) throw unknownEvent(id);
    return event;
  }
}

function unknownEvent(id: string): NotFoundException {
  return new NotFoundException(`No stored Stripe event "${id}"`);
}

function summaryOf(row: StripeEventSummaryRow): StripeEventSummary {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    tenantId: row.tenantId,
    createdAt: row.createdAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    availableAt: row.availableAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
    attempts: row.attempts,
    lastError: row.lastError,
    apiVersion: row.apiVersion,
    livemode: row.livemode,
  };
}

function detailOf(row: StripeEventRow): StripeEventDetail {
  return { ...summaryOf(row), payload: row.payload };
}
