# One resource group per environment; every name derives from var.prefix (deploy conventions).

data "azurerm_client_config" "current" {}

locals {
  # libs/config SERVICES: each has a workload identity, a Kubernetes ServiceAccount of the same name and a database.
  services = ["core-store", "billing", "analytics-ingest", "audit-writer", "backup-worker"]
  # The migration Job runs as its own identity and ServiceAccount.
  workload_identities = concat(local.services, ["migrate"])
  databases           = ["core", "billing", "analytics", "audit", "backup"]

  # Storage accounts take 3-24 lowercase letters and digits, globally unique (Key Vault names fit "kv-<prefix>").
  compact_prefix = substr(replace(lower(var.prefix), "/[^a-z0-9]/", ""), 0, 18)

  tags = merge(var.tags, { environment = var.prefix, "managed-by" = "terraform" })
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${var.prefix}"
  location = var.location
  tags     = local.tags
}
