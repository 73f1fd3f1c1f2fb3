# Key Vault: RBAC authorization, purge protection, reachable only through its private endpoint.
# Holds the key encryption key `comply-kek` (libs/crypto wraps per-tenant data keys and backup-worker
# its backup data keys with it, RSA-OAEP-256) and the services' secrets.
#
# Terraform creates each secret with the placeholder value "unset", written once and write-only (never in
# state), so that access can be granted on that secret alone and the Secrets Store CSI driver finds it.
# Operators set the real values (README: after apply); Terraform never reads or replaces them. A service
# started on the placeholder refuses to start (ADMIN_TOKEN needs 32 characters, URLs must parse).

locals {
  keyvault_name = "kv-${var.prefix}"
  kek_name      = "comply-kek"

  # Secret name => the workload identity that reads it (deploy conventions), and the variable it becomes.
  keyvault_secrets = {
    "core-store-admin-token"          = { identity = "core-store", env = "ADMIN_TOKEN" }
    "core-store-redis-url"            = { identity = "core-store", env = "REDIS_URL" }
    "billing-admin-token"             = { identity = "billing", env = "ADMIN_TOKEN" }
    "billing-stripe-api-key"          = { identity = "billing", env = "STRIPE_API_KEY" }
    "billing-stripe-webhook-secrets"  = { identity = "billing", env = "STRIPE_WEBHOOK_SECRETS" }
    "analytics-ingest-admin-token"    = { identity = "analytics-ingest", env = "ADMIN_TOKEN" }
    "audit-writer-admin-token"        = { identity = "audit-writer", env = "ADMIN_TOKEN" }
    "backup-worker-admin-token"       = { identity = "backup-worker", env = "ADMIN_TOKEN" }
    "backup-worker-restore-admin-url" = { identity = "backup-worker", env = "BACKUP_RESTORE_ADMIN_URL" }
    "migrate-database-url"            = { identity = "migrate", env = "DATABASE_URL" }
    # audit-writer reads its Ed25519 checkpoint signing key (PKCS#8 PEM) itself, by AUDIT_SIGNING_KEY_SECRET's
    # default name: Key Vault keys cannot be Ed25519.
    "audit-checkpoint-signing-key" = { identity = "audit-writer", env = null }
  }
}

module "keyvault" {
  source  = "Azure/avm-res-keyvault-vault/azurerm"
  version = "0.11.0"

  name                = local.keyvault_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  tags                = local.tags
  enable_telemetry    = false

  sku_name                       = "standard"
  legacy_access_policies_enabled = false
  purge_protection_enabled       = true
  soft_delete_retention_days     = 90
  public_network_access_enabled  = false
  network_acls = {
    default_action = "Deny"
    bypass         = "None"
  }

  private_endpoints = {
    vault = {
      name                          = "pe-${local.keyvault_name}"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["keyvault"].id]
    }
  }

  # Whoever applies this configuration creates the key and the secret objects (README: apply from inside the VNet).
  role_assignments = {
    deployer_keys = {
      role_definition_id_or_name = "Key Vault Crypto Officer"
      principal_id               = data.azurerm_client_config.current.object_id
    }
    deployer_secrets = {
      role_definition_id_or_name = "Key Vault Secrets Officer"
      principal_id               = data.azurerm_client_config.current.object_id
    }
  }

  keys = {
    kek = {
      name     = local.kek_name
      key_type = "RSA"
      key_size = 3072
      key_opts = ["wrapKey", "unwrapKey"]
    }
  }

  secrets = {
    for name, secret in local.keyvault_secrets : name => {
      name         = name
      content_type = secret.env == null ? "set by operator" : "set by operator: ${secret.env}"
    }
  }
  secrets_value_wo         = { for name, _ in local.keyvault_secrets : name => "unset" }
  secrets_value_wo_version = { for name, _ in local.keyvault_secrets : name => 1 }

  diagnostic_settings = {
    log_analytics = {
      name                  = "to-log-analytics"
      workspace_resource_id = module.log_analytics.resource_id
    }
  }
}
