/**
 * The tenant directory: API key authentication that every service shares (one guard, one
 * authenticator over an ApiKeyDirectory), and the replica of core-store's tenants and API keys
 * that every other service keeps from tenant-events.
 */
export { AdminTokenGuard } from './admin-token.guard';
export { generateApiKey, hashSecret, parseApiKey, secretMatches, tokensEqual, type NewApiKey } from './api-key';
export { ApiKeyAuthModule } from './api-key-auth.module';
export { ApiKeyAuthenticator, type Authentication } from './api-key-authenticator';
export { API_KEY_DIRECTORY, type ApiKeyCredentials, type ApiKeyDirectory } from './api-key-directory';
export { ApiKeyGuard } from './api-key.guard';
export { CurrentReader, ReaderGuard, type Reader } from './reader.guard';
export { CurrentCaller, RequestId, type AuthenticatedRequest, type Caller } from './caller';
export { DirectoryEventsHandler } from './directory-events.handler';
export { DirectoryReplicaRepository, ReplicaApiKeyDirectory, type ErasureResult, type ReplicaTransaction, type TenantApplication } from './directory-replica.repository';
export { FailedAuthenticationAudit, failedAuthenticationEvents } from './failed-authentication-audit';
export {
  FAILED_AUTHENTICATION_CAP,
  FailedAuthenticationTally,
  REFUSAL_REASONS,
  type AuthenticationCredential,
  type Refusal,
  type RefusalReason,
  type TallyEntry,
  type TallyWindow,
} from './failed-authentication-tally';
export { DIRECTORY_MIGRATIONS, directoryApiKeys, directoryTenants, type DirectoryMigration } from './directory-tables';
export { RequireScope } from './require-scope';
export { TENANT_ARRIVAL, type ArrivalCause, type TenantArrival } from './tenant-arrival';
export { TENANT_ERASURE, type TenantErasure } from './tenant-erasure';
export { TenantDirectoryModule, type TenantDirectoryOptions } from './tenant-directory.module';
export { WhoamiController } from './whoami.controller';
export { actorOf, ADMIN_ACTOR, recordAdminAction, type AdminAction } from './audit-actors';
