import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@comply/contracts';
import { addAllToOutbox, addToOutbox, type OutgoingEvent } from '@comply/messaging';
import { CoreTransaction } from '../database/core-database';
import { DirectoryApiKey, DirectoryRepository, DirectoryTenant } from './directory.repository';

type TenantEventType = 'tenant.created.v1' | 'tenant.updated.v1';

/**
 * Announces every change of a tenant or an API key on tenant-events, through the outbox in the
 * transaction of the change, so other services' replicas learn of exactly what committed. Each
 * event carries the entity's whole state and its version (see libs/tenant-directory).
 */
@Injectable()
export class DirectoryPublisher {
  constructor(private readonly directory: DirectoryRepository) {}

  async tenantCreated(tx: CoreTransaction, tenantId: string, correlationId: string): Promise<void> {
    await addToOutbox(tx, tenantEvent('tenant.created.v1', await required(this.directory.tenant(tx, tenantId), tenantId), correlationId));
  }

  /** After any change to a tenant or its configuration: a new version with the current state. */
  async tenantChanged(tx: CoreTransaction, tenantId: string, correlationId: string): Promise<void> {
    const tenant = await required(this.directory.nextTenantVersion(tx, tenantId), tenantId);
    await addToOutbox(tx, tenant.status === 'erased' ? erasureEvent(tenant, correlationId) : tenantEvent('tenant.updated.v1', tenant, correlationId));
  }

  async apiKeyCreated(tx: CoreTransaction, keyId: string, correlationId: string): Promise<void> {
    await addToOutbox(tx, apiKeyEvent(await required(this.directory.apiKey(tx, keyId), keyId), correlationId));
  }

  async apiKeyRevoked(tx: CoreTransaction, keyId: string, correlationId: string): Promise<void> {
    await addToOutbox(tx, apiKeyEvent(await required(this.directory.nextApiKeyVersion(tx, keyId), keyId), correlationId));
  }

  /**
   * The current state of one tenant and its keys at their current versions, for replicas that
   * missed events or start empty. Keys of an erased tenant are left out: replicas drop them.
   */
  async republishTenant(tx: CoreTransaction, tenantId: string, correlationId: string): Promise<{ tenants: number; apiKeys: number }> {
    const tenant = await this.directory.tenant(tx, tenantId);
    if (!tenant) return { tenants: 0, apiKeys: 0 };
    if (tenant.status === 'erased') {
      await addToOutbox(tx, erasureEvent(tenant, correlationId));
      return { tenants: 1, apiKeys: 0 };
    }
    const keys = await this.directory.apiKeysOf(tx, tenantId);
    await addAllToOutbox(tx, [tenantEvent('tenant.updated.v1', tenant, correlationId), ...keys.map((key) => apiKeyEvent(key, correlationId))]);
    return { tenants: 1, apiKeys: keys.length };
  }
}

async function required<T>(row: Promise<T | undefined>, id: string): Promise<T> {
  const found = await row;
  if (!found) throw new Error(`directory: ${id} vanished inside its own transaction`);
  return found;
}

function tenantEvent(type: TenantEventType, tenant: DirectoryTenant, correlationId: string): OutgoingEvent<TenantEventType> {
  const payload: EventPayload<TenantEventType> = {
    tenantId: tenant.id,
    name: tenant.name,
    plan: tenant.plan,
    status: tenant.status,
    retentionDays: tenant.retentionDays,
    version: tenant.version,
    occurredAt: new Date().toISOString(),
  };
  return { type, payload, tenantId: tenant.id, correlationId };
}

function erasureEvent(tenant: DirectoryTenant, correlationId: string): OutgoingEvent<'tenant.erased.v1'> {
  return {
    type: 'tenant.erased.v1',
    payload: { tenantId: tenant.id, version: tenant.version, occurredAt: new Date().toISOString() },
    tenantId: tenant.id,
    correlationId,
  };
}

function apiKeyEvent(key: DirectoryApiKey, correlationId: string): OutgoingEvent<'apikey.created.v1' | 'apikey.revoked.v1'> {
  const state = {
    tenantId: key.tenantId,
    keyId: key.id,
    prefix: key.prefix,
    secretHash: key.secretHash,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    version: key.version,
  };
  return key.revokedAt
    ? { type: 'apikey.revoked.v1', payload: { ...state, revokedAt: key.revokedAt.toISOString() }, tenantId: key.tenantId, correlationId }
    : { type: 'apikey.created.v1', payload: state, tenantId: key.tenantId, correlationId };
}
