# What the Helm values need (deploy/helm/comply-platform), and what the operator needs after apply.

output "resource_group_name" {
  description = "The environment's resource group."
  value       = azurerm_resource_group.this.name
}

output "workload_identity_client_ids" {
  description = "Client id of each service's managed identity (and migrate's): the ServiceAccounts' azure.workload.identity/client-id annotation."
  value       = { for name, identity in azurerm_user_assigned_identity.workload : name => identity.client_id }
}

output "keda_identity_client_id" {
  description = "Client id of the identity KEDA's azure-servicebus triggers authenticate as (TriggerAuthentication identityId)."
  value       = azurerm_user_assigned_identity.keda.client_id
}

output "workload_identity_principal_names" {
  description = "Name of each identity: the Entra principal an administrator maps to the service's database role, and the service's DB_USER."
  value       = { for name, identity in azurerm_user_assigned_identity.workload : name => identity.name }
}

output "workload_identity_object_ids" {
  description = "Object (principal) id of each identity, for pgaadauth_create_principal_with_oid."
  value       = { for name, identity in azurerm_user_assigned_identity.workload : name => identity.principal_id }
}

output "tenant_id" {
  description = "Entra tenant of the identities (SecretProviderClass tenantId)."
  value       = data.azurerm_client_config.current.tenant_id
}

output "servicebus_namespace" {
  description = "SERVICEBUS_NAMESPACE: fully qualified Service Bus namespace."
  value       = "${local.servicebus_name}.servicebus.windows.net"
}

output "postgres_host" {
  description = "DB_HOST: FQDN of the PostgreSQL flexible server (resolves to its private endpoint inside the VNet)."
  value       = module.postgres.fqdn
}

output "postgres_replica_host" {
  description = "FQDN of the read replica, or null."
  value       = var.postgres_read_replica_enabled ? module.postgres_replica[0].fqdn : null
}

output "keyvault_url" {
  description = "KEYVAULT_URL, and the SecretProviderClass keyvaultName's vault."
  value       = module.keyvault.uri
}

output "keyvault_name" {
  description = "Key Vault name (SecretProviderClass keyvaultName)."
  value       = module.keyvault.name
}

output "keyvault_key_name" {
  description = "KEYVAULT_KEY_NAME: the key encryption key."
  value       = local.kek_name
}

output "keyvault_secret_names" {
  description = "Secrets whose values operators set, by name: the identity that reads each and the variable it becomes."
  value       = local.keyvault_secrets
}

output "blob_account_url" {
  description = "BLOB_ACCOUNT_URL: blob endpoint of the storage account (Entra ID)."
  value       = "https://${module.storage.name}.blob.core.windows.net"
}

output "blob_containers" {
  description = "Blob containers and the service that writes each (AUDIT_CHECKPOINT_CONTAINER, AUDIT_ARCHIVE_CONTAINER, backup-worker's BLOB_CONTAINER)."
  value       = { for name, container in local.blob_containers : name => container.service }
}

output "backup_immutability_days" {
  description = "BACKUP_IMMUTABILITY_DAYS for backup-worker: the locked retention of its container."
  value       = var.backup_immutability_days
}

output "redis_host" {
  description = "Host of the Redis cache (TLS port 6380), for the core-store-redis-url secret."
  value       = "${module.redis.name}.redis.cache.windows.net"
}

output "container_registry_login_server" {
  description = "Login server of the container registry (<name>.azurecr.io): the Helm value image.registry, and where images are pushed."
  value       = module.container_registry.login_server
}

output "container_registry_name" {
  description = "Name of the container registry (az acr login --name)."
  value       = module.container_registry.name
}

output "aks_name" {
  description = "AKS cluster name (az aks get-credentials)."
  value       = module.aks.name
}

output "aks_oidc_issuer_url" {
  description = "OIDC issuer of the cluster, trusted by the identities' federated credentials."
  value       = module.aks.oidc_issuer_profile_issuer_url
}

output "monitor_workspace_id" {
  description = "Azure Monitor workspace that managed Prometheus writes to (Grafana's Prometheus data source)."
  value       = azurerm_monitor_workspace.this.id
}

output "monitor_workspace_query_endpoint" {
  description = "Prometheus query endpoint of the monitor workspace."
  value       = azurerm_monitor_workspace.this.query_endpoint
}

output "application_insights_connection_string" {
  description = "Application Insights connection string (OpenTelemetry exporters)."
  value       = azurerm_application_insights.this.connection_string
  sensitive   = true
}
