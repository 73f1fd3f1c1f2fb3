terraform {
  # 1.11: the Key Vault (0.11) and AKS (0.8) Verified Modules require it (and azurerm 4.81).
  required_version = ">= 1.11, < 2.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.81"
    }
    # The storage account and AKS Verified Modules are written against azapi.
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.11"
    }
  }
}

provider "azurerm" {
  subscription_id = var.subscription_id
  # The storage account allows no shared keys, so anything the provider does on its data plane uses Entra ID.
  storage_use_azuread = true

  features {
    key_vault {
      # Purge protection is on: a destroyed vault stays recoverable, and its keys with it.
      purge_soft_delete_on_destroy = false
    }
    resource_group {
      prevent_deletion_if_contains_resources = true
    }
  }
}

provider "azapi" {
  subscription_id = var.subscription_id
}
