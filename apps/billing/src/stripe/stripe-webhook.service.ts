import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { stripeWebhookEvent, type StripeWebhookResponse } from '@comply/contracts';
import { DATABASE_CLIENT, SERVICE_CONFIG, validated } from '@comply/service-runtime';
import { BillingConfig } from '../billing-settings';
import { BillingDatabase } from '../database/billing-database';
import { StripeEventProcessor } from './stripe-event-processor';
import { StripeEventsRepository } from './stripe-events.repository';
import { StripeSignatureRefused, verifiedStripeBody } from './stripe-signature';
import { storedStripeEvent } from './stored-stripe-event';

/**
 * Store first, process after: a webhook whose signature verifies is stored (a redelivered id is a
 * no-op) and acknowledged at once; StripeEventProcessor applies it from the store. Anything that
 * does not verify is refused with 400 before a byte is stored.
 */
@Injectable()
export class StripeWebhookService {
  private readonly secrets: readonly string[];

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    private readonly events: StripeEventsRepository,
    private readonly processor: StripeEventProcessor,
  ) {
    this.secrets = config.STRIPE_WEBHOOK_SECRETS?.split(',') ?? [];
  }

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<StripeWebhookResponse> {
    if (this.secrets.length === 0) {
      // 503 rather than 400: the event is fine, this service cannot verify it; Stripe keeps retrying until it can.
      throw new ServiceUnavailableException('Stripe webhooks are disabled: STRIPE_WEBHOOK_SECRETS is not set, so no event can be verified');
    }
    if (!rawBody || rawBody.length === 0) throw new BadRequestException('Missing body: a Stripe event as JSON');
    const event = validated(stripeWebhookEvent, this.verify(rawBody, signature), 'Stripe event');
    const stored = await this.events.insert(this.database.db, storedStripeEvent(event));
    if (stored) this.processor.kick();
    return { received: true, duplicate: !stored };
  }

  private verify(rawBody: Buffer, signature: string | undefined): unknown {
    try {
      return verifiedStripeBody(rawBody, signature, this.secrets, this.config.STRIPE_WEBHOOK_TOLERANCE_S);
    } catch (error) {
      if (error instanceof StripeSignatureRefused) throw new BadRequestException(error.message);
      // Signed, but not JSON: nothing Stripe would send.
      if (error instanceof SyntaxError) throw new BadRequestException('The body is not JSON: a Stripe event was expected');
      throw error;
    }
  }
}
