import type { AuditActor } from '@comply/messaging';
import type { Caller } from '@comply/tenant-directory';

/** A request made with an API key acts as that key. */
export function actorOf(caller: Caller): AuditActor {
  return { type: 'api_key', id: caller.keyId };
}

/** The admin API acts as one operator identity: whoever holds ADMIN_TOKEN. */
export const ADMIN_ACTOR: AuditActor = { type: 'user', id: 'platform-admin' };
