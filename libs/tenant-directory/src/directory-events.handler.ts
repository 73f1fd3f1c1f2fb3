import { Controller, Inject, Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ApiKeyCreatedV1, ApiKeyRevokedV1, TenantCreatedV1, TenantErasedV1, TenantUpdatedV1 } from '@comply/contracts';
import { addToOutbox, auditEvent, ServiceBusContext, type OutgoingEvent } from '@comply/messaging';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { DirectoryReplicaRepository } from './directory-replica.repository';
import { TENANT_ARRIVAL, TenantArrival } from './tenant-arrival';
import { TENANT_ERASURE, TenantErasure } from './tenant-erasure';

/**
 * Keeps this service's replica of the tenant directory from tenant-events. The transport runs
 * each handler in the event's tenant context, with the inbox entry in the same transaction. What
 * changed is also dropped from the authenticator's memory, so this replica refuses a revoked key
 * or a suspended tenant at once (before the commit a request may still remember the old state;
 * API_KEY_CACHE_TTL_MS bounds that, as on every other replica).
 */
@Controller()
export class DirectoryEventsHandler {
  constructor(
    private readonly replica: DirectoryReplicaRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    @Optional() @Inject(TENANT_ERASURE) private readonly erasure?: TenantErasure,
    @Optional() @Inject(TENANT_ARRIVAL) private readonly arrival?: TenantArrival,
  ) {}

  @EventPattern('tenant.created.v1')
  tenantCreated(@Payload() event: TenantCreatedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    return this.applyTenant(event, context);
  }

  @EventPattern('tenant.updated.v1')
  tenantUpdated(@Payload() event: TenantUpdatedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    return this.applyTenant(event, context);
  }

  /**
   * The replica's part, then the service's own (TENANT_ERASURE), then one audit event, all in one
   * transaction. A repeated erasure (republished by core-store) runs them again: erasing is
   * idempotent and catches what arrived for the tenant since.
   */
  @EventPattern('tenant.erased.v1')
  async tenantErased(@Payload() event: TenantErasedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    const { erased, apiKeysDeleted } = await this.replica.applyErasure(context.tx, event);
    if (!erased) return;
    this.authenticator.forgetTenant(event.tenantId);
    const serviceErased = (await this.erasure?.erase(context.tx, event.tenantId)) ?? {};
    await addToOutbox(context.tx, this.erasureAudit(event, context, { apiKeysDeleted, ...serviceErased }));
  }

  @EventPattern('apikey.created.v1')
  apiKeyCreated(@Payload() event: ApiKeyCreatedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    return this.applyApiKey(event, context);
  }

  @EventPattern('apikey.revoked.v1')
  apiKeyRevoked(@Payload() event: ApiKeyRevokedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    return this.applyApiKey(event, context);
  }

  /** A tenant the replica did not hold yet also starts the service's own part (TENANT_ARRIVAL), in the same transaction. */
  private async applyTenant(event: TenantCreatedV1 | TenantUpdatedV1, context: ServiceBusContext): Promise<void> {
    const applied = await this.replica.applyTenant(context.tx, event);
    if (applied === 'unchanged') return;
    this.authenticator.forgetTenant(event.tenantId);
    const message = context.event;
    if (applied === 'arrived' && this.arrival && message) {
      await this.arrival.arrived(context.tx, event.tenantId, { correlationId: message.correlationId, causationId: message.messageId });
    }
  }

  private async applyApiKey(event: ApiKeyCreatedV1 | ApiKeyRevokedV1, context: ServiceBusContext): Promise<void> {
    if (await this.replica.applyApiKey(context.tx, event)) this.authenticator.forget(event.prefix);
  }

  private erasureAudit(event: TenantErasedV1, context: ServiceBusContext, details: Record<string, unknown>): OutgoingEvent<'audit.event.v1'> {
    const message = context.event;
    if (!message) throw new Error('tenant.erased.v1 is handled one message at a time');
    return auditEvent({
      // Each subscription is named after the service that consumes it (libs/contracts topology).
      actor: { type: 'service', id: context.subscription.slice(context.subscription.indexOf('/') + 1) },
      action: 'tenant.erase',
      resource: { type: 'tenant', id: event.tenantId },
      tenantId: event.tenantId,
      correlationId: message.correlationId,
      causationId: message.messageId,
      traceparent: message.traceparent,
      details,
    });
  }
}
