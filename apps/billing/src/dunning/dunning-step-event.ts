import type { OutgoingEvent } from '@comply/messaging';
import type { ReconciliationCause } from '../accounts/account-reconciler';
import type { DunningStepKind } from './dunning-calendar';
import type { DunningInvoice } from './dunning.repository';

export interface DunningStepFacts {
  tenantId: string;
  invoice: DunningInvoice;
  step: DunningStepKind;
  sequence: number;
  /** Only while grace is still running. */
  graceEndsAt?: Date | null;
  occurredAt: Date;
}

/** billing.dunning.step.v1 for the outbox: what a notifier tells the customer, and analytics counts. */
export function dunningStepEvent(facts: DunningStepFacts, cause: ReconciliationCause): OutgoingEvent<'billing.dunning.step.v1'> {
  return {
    type: 'billing.dunning.step.v1',
    payload: {
      tenantId: facts.tenantId,
      stripeInvoiceId: facts.invoice.stripeInvoiceId,
      step: facts.step,
      sequence: facts.sequence,
      amountDue: facts.invoice.amountDue,
      currency: facts.invoice.currency,
      ...(facts.graceEndsAt ? { graceEndsAt: facts.graceEndsAt.toISOString() } : {}),
      occurredAt: facts.occurredAt.toISOString(),
    },
    tenantId: facts.tenantId,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
  };
}
