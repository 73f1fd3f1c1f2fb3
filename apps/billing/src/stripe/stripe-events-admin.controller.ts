import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { stripeEventId, stripeEventListQuery, type StripeEventDetail, type StripeEventList } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { StripeEventsAdminService } from './stripe-events-admin.service';
import { validated } from '@comply/service-runtime';

/** Stored Stripe webhook events, for platform operators (`Authorization: Bearer <ADMIN_TOKEN>`). */
@Controller('admin/stripe/events')
@UseGuards(AdminTokenGuard)
export class StripeEventsAdminController {
  constructor(private readonly events: StripeEventsAdminService) {}

  @Get()
  list(@Query() query: unknown, @RequestId() requestId: string): Promise<StripeEventList> {
    return this.events.list(validated(stripeEventListQuery, query, 'query'), requestId);
  }

  @Get(':id')
  get(@Param('id') id: string, @RequestId() requestId: string): Promise<StripeEventDetail> {
    return this.events.get(knownShape(id), requestId);
  }

  @Post(':id/reprocess')
  @HttpCode(200)
  reprocess(@Param('id') id: string, @RequestId() requestId: string): Promise<StripeEventDetail> {
    return this.events.reprocess(knownShape(id), requestId);
  }
}

/** Something that is not a Stripe event id names no stored event. */
function knownShape(id: string): string {
  if (!stripeEventId.safeParse(id).success) throw new NotFoundException(`No stored Stripe event "${id}"`);
  return id;
}
