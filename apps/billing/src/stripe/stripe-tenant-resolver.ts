import { Injectable } from '@nestjs/common';
import { tenantResponse } from '@comply/contracts';
import { BillingExecutor, StripeEventsRepository } from './stripe-events.repository';

type StripeObject = Record<string, unknown>;

/** Kinds of objects that may name no customer, whose tenant earlier events about related objects tell. */
const WITHOUT_CUSTOMER = new Set(['dispute', 'payment_method']);

/** A tenant id the event names is not one; retried like any failure, and visible to operators. */
export class InvalidTenantReference extends Error {
  override readonly name = 'InvalidTenantReference';
}

/**
 * Which tenant a Stripe event belongs to. Stripe names customers, not tenants, so in order:
 * 1. what the object says: `metadata.tenantId` (customers, subscriptions, invoices, payments created
 *    with it), a checkout session's `client_reference_id`, the subscription metadata on an invoice;
 * 2. the tenant of its customer, once billing knows that customer (`billing_tenant_of_customer`);
 * 3. for objects without a customer (a dispute, a detached payment method), the tenant of an
 *    earlier processed event about the same charge, payment intent or payment method.
 * Undefined when none applies yet: the event is retried, since its customer may arrive later.
 */
@Injectable()
export class StripeTenantResolver {
  constructor(private readonly events: StripeEventsRepository) {}

  async resolve(db: BillingExecutor, object: StripeObject, previousAttributes: StripeObject | undefined): Promise<string | undefined> {
    const named = namedTenant(object);
    if (named !== undefined) return checked(named);
    for (const customerId of customerIds(object, previousAttributes)) {
      const tenant = await this.events.tenantOfCustomer(db, customerId);
      if (tenant) return tenant;
    }
    return WITHOUT_CUSTOMER.has(String(object.object)) ? this.events.tenantOfObjects(db, relatedObjectIds(object)) : undefined;
  }
}

function namedTenant(object: StripeObject): string | undefined {
  const own = stringAt(object, 'metadata', 'tenantId');
  if (own !== undefined) return own;
  if (object.object === 'checkout.session') return stringAt(object, 'client_reference_id');
  if (object.object === 'invoice') return stringAt(object, 'parent', 'subscription_details', 'metadata', 'tenantId');
  return undefined;
}

function checked(tenantId: string): string {
  if (!tenantResponse.shape.id.safeParse(tenantId).success) {
    throw new InvalidTenantReference('The tenant id the Stripe object names (metadata tenantId or client_reference_id) is not a valid tenant id');
  }
  return tenantId;
}

/** The object itself when it is a customer, else the customer it belongs to (a detached payment method had one before). */
function customerIds(object: StripeObject, previousAttributes: StripeObject | undefined): string[] {
  const ids = object.object === 'customer' ? [object.id] : [idOf(object.customer), idOf(previousAttributes?.customer)];
  return ids.filter((id): id is string => typeof id === 'string');
}

function relatedObjectIds(object: StripeObject): string[] {
  const ids = [object.id, idOf(object.charge), idOf(object.payment_intent)];
  return ids.filter((id): id is string => typeof id === 'string');
}

/** A reference Stripe sends as an id or, expanded, as the object. */
function idOf(reference: unknown): unknown {
  return typeof reference === 'object' && reference !== null ? (reference as StripeObject).id : reference;
}

function stringAt(object: StripeObject, ...path: string[]): string | undefined {
  let value: unknown = object;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as StripeObject)[key];
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}
