# Container registry for the platform's images (<login server>/comply/<service>:<tag>, deploy conventions).
# Premium, the only SKU with private endpoints: reachable only through its private endpoint, like the
# data services, so the AKS nodes pull inside the VNet. No admin user, no anonymous pull: the cluster's
# kubelet identity pulls with AcrPull, and nothing here grants anyone push rights. Images are pushed
# from where Terraform is applied (a jump host or self-hosted runner in, or peered with, the VNet and
# linked to privatelink.azurecr.io), as the subscription Owner or an identity an operator grants AcrPush.

locals {
  # Registry names are global, 5-50 letters and digits (no hyphens).
  container_registry_name = coalesce(var.container_registry_name, "cr${local.compact_prefix}")
}

module "container_registry" {
  source  = "Azure/avm-res-containerregistry-registry/azurerm"
  version = "0.8.0"

  name                = local.container_registry_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  sku                     = "Premium"
  zone_redundancy_enabled = true
  admin_enabled           = false
  anonymous_pull_enabled  = false
  # Registry-wide AcrPull/AcrPush roles (the ABAC mode would need the repository roles instead).
  role_assignment_mode = "LegacyRegistryPermissions"

  public_network_access_enabled = false
  network_rule_bypass_option    = "None"
  network_rule_set = {
    default_action = "Deny"
  }

  private_endpoints = {
    registry = {
      name                          = "pe-${local.container_registry_name}"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["registry"].id]
    }
  }

  diagnostic_settings = {
    log_analytics = {
      name                  = "to-log-analytics"
      workspace_resource_id = module.log_analytics.resource_id
    }
  }
}

# The kubelet identity AKS creates for the nodes pulls the images (the Verified Module returns it as
# clientId/objectId/resourceId). Pull only: no identity in this configuration can push.
resource "azurerm_role_assignment" "kubelet_acr_pull" {
  scope                = module.container_registry.resource_id
  role_definition_name = "AcrPull"
  principal_id         = module.aks.kubelet_identity.objectId
  principal_type       = "ServicePrincipal"
}
