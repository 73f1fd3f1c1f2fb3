/**
 * The names the Dockerfile, Helm chart, Terraform and runbooks agree on (the deployment conventions),
 * as far as the Terraform checks need them.
 */

/** Kubernetes namespace of the release; ServiceAccounts are named after the services, plus `migrate`. */
export const KUBERNETES_NAMESPACE = 'comply';
export const MIGRATION_IDENTITY = 'migrate';

/** Key Vault's key encryption key (KEYVAULT_KEY_NAME's default). */
export const KEK = { name: 'comply-kek', keyType: 'RSA', keySize: 3072, operations: ['unwrapKey', 'wrapKey'] } as const;

/** Secrets operators set in Key Vault, with the identity that reads each. */
export const KEYVAULT_SECRETS: Readonly<Record<string, string>> = {
  'core-store-admin-token': 'core-store',
  'billing-admin-token': 'billing',
  'analytics-ingest-admin-token': 'analytics-ingest',
  'audit-writer-admin-token': 'audit-writer',
  'backup-worker-admin-token': 'backup-worker',
  'billing-stripe-api-key': 'billing',
  'billing-stripe-webhook-secrets': 'billing',
  'core-store-redis-url': 'core-store',
  'backup-worker-restore-admin-url': 'backup-worker',
  'migrate-database-url': 'migrate',
  // audit-writer's AUDIT_SIGNING_KEY_SECRET default: the one secret not prefixed with its reader's name.
  'audit-checkpoint-signing-key': 'audit-writer',
};

/** Each data service's Verified Module in deploy/terraform and the private DNS zone its endpoint registers in. */
export const DATA_SERVICES = [
  { module: 'servicebus', source: 'Azure/avm-res-servicebus-namespace/azurerm', zone: 'privatelink.servicebus.windows.net' },
  { module: 'postgres', source: 'Azure/avm-res-dbforpostgresql-flexibleserver/azurerm', zone: 'privatelink.postgres.database.azure.com' },
  { module: 'redis', source: 'Azure/avm-res-cache-redis/azurerm', zone: 'privatelink.redis.cache.windows.net' },
  { module: 'storage', source: 'Azure/avm-res-storage-storageaccount/azurerm', zone: 'privatelink.blob.core.windows.net' },
  { module: 'keyvault', source: 'Azure/avm-res-keyvault-vault/azurerm', zone: 'privatelink.vaultcore.azure.net' },
] as const;

/** The other Verified Modules the deployment is built from. */
export const PLATFORM_MODULES = [
  { module: 'aks', source: 'Azure/avm-res-containerservice-managedcluster/azurerm' },
  { module: 'log_analytics', source: 'Azure/avm-res-operationalinsights-workspace/azurerm' },
] as const;

/** What fires an alert: a PromQL rule on the services' metrics, or an Azure Monitor metric of a resource. */
export interface AlertSignal {
  /** Metrics (as exposed on /metrics) a Prometheus rule of this alert must read, all of them. */
  prometheus?: readonly string[];
  /** An Azure Monitor metric alert, on this namespace and metric (and split by this dimension). */
  azure?: { namespace: string; metric: string; dimension?: string };
}

/** Every alert, by its runbook's slug: docs/runbooks/alerts/<slug>.md. */
export const ALERTS: Readonly<Record<string, AlertSignal>> = {
  'error-rate': { prometheus: ['http_request_duration_seconds_count'] },
  'latency-p99': { prometheus: ['http_request_duration_seconds_bucket'] },
  'dead-letters': {
    prometheus: ['messaging_dead_lettered_total'],
    azure: { namespace: 'Microsoft.ServiceBus/namespaces', metric: 'DeadletteredMessages', dimension: 'EntityName' },
  },
  'outbox-lag': { prometheus: ['outbox_lag_seconds'] },
  'backup-age': { prometheus: ['backup_last_completed_age_seconds'] },
  'restore-drill-failure': { prometheus: ['backup_verification_failures_total', 'backup_last_verified_age_seconds'] },
  'database-cpu': { azure: { namespace: 'Microsoft.DBforPostgreSQL/flexibleServers', metric: 'cpu_percent' } },
  'database-storage': { azure: { namespace: 'Microsoft.DBforPostgreSQL/flexibleServers', metric: 'storage_percent' } },
};

export const RUNBOOKS_DIR = 'docs/runbooks/alerts';
