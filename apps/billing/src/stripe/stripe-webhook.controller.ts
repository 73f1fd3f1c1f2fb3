import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { StripeWebhookResponse } from '@comply/contracts';
import type { FastifyRequest } from 'fastify';
import { StripeWebhookService } from './stripe-webhook.service';

/**
 * Stripe's webhook endpoint. No API key: the Stripe-Signature over the raw body (kept by the
 * platform's `rawBody: true`) is the authentication. Bodies above Fastify's 1 MiB limit are refused 413.
 */
@Controller('webhooks/stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Post()
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<FastifyRequest>, @Headers('stripe-signature') signature: string | undefined): Promise<StripeWebhookResponse> {
    return this.webhooks.receive(request.rawBody, signature);
  }
}
