import { z } from 'zod';
import { API_KEY_SCOPES } from '../events/directory-events';
import { tenantId } from '../events/shared-fields';

/** HTTP shapes every service shares because every service authenticates the same API keys. */

export const whoamiResponse = z
  .strictObject({
    tenantId,
    keyId: z.uuid().describe('Id of the API key the request was made with.'),
    scopes: z.array(z.enum(API_KEY_SCOPES)).describe('What the key may do.'),
  })
  .describe('Who the API key in the request belongs to, as this service knows it.');
export type WhoamiResponse = z.infer<typeof whoamiResponse>;

export const republishResponse = z
  .strictObject({
    tenants: z.int().min(0).describe('Tenant events written to the outbox (one per tenant).'),
    apiKeys: z.int().min(0).describe('API key events written to the outbox (one per key).'),
  })
  .describe('The current state of every tenant and key, queued on tenant-events with its current version.');
export type RepublishResponse = z.infer<typeof republishResponse>;
