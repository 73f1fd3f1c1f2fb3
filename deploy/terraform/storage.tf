# Blob storage for the services that store blobs: audit-writer (signed checkpoints, archived partitions)
# and backup-worker (encrypted backups and archives). Entra ID only (no shared keys), TLS 1.2, no public
# network access, no anonymous blob access, private endpoint. Every container carries a locked
# time-based retention policy: a blob cannot be changed or deleted before its window ends, by anyone,
# including whoever holds this Terraform state (libs/blob-storage writes create-only).

locals {
  # Container => the service that writes it. Names are the services' defaults (AUDIT_CHECKPOINT_CONTAINER,
  # AUDIT_ARCHIVE_CONTAINER, and backup-worker's BLOB_CONTAINER, named after the service).
  blob_containers = {
    "audit-checkpoints" = { service = "audit-writer", retention_days = var.audit_immutability_days }
    "audit-archive"     = { service = "audit-writer", retention_days = var.audit_immutability_days }
    "backup-worker"     = { service = "backup-worker", retention_days = var.backup_immutability_days }
  }
}

module "storage" {
  source  = "Azure/avm-res-storage-storageaccount/azurerm"
  version = "0.9.0"

  name             = "st${local.compact_prefix}"
  location         = azurerm_resource_group.this.location
  parent_id        = azurerm_resource_group.this.id
  tags             = local.tags
  enable_telemetry = false

  account_kind                    = "StorageV2"
  account_sku_name                = var.storage_account_sku_name
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false
  network_rules = {
    default_action = "Deny"
    bypass         = ["None"]
  }

  containers = {
    for name, container in local.blob_containers : name => {
      name          = name
      public_access = "None"
    }
  }

  private_endpoints = {
    blob = {
      name                          = "pe-st${local.compact_prefix}-blob"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      subresource_name              = "blob"
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["blob"].id]
    }
  }
}

# The module (0.9.0) offers version-level immutability only; a container's time-based retention policy,
# and locking it, is a plain azurerm resource on the containers it returns. Locked: the window can be
# extended but never shortened or removed.
resource "azurerm_storage_container_immutability_policy" "this" {
  for_each = local.blob_containers

  storage_container_resource_manager_id = module.storage.containers[each.key].id
  immutability_period_in_days           = each.value.retention_days
  protected_append_writes_enabled       = false
  locked                                = true
}
