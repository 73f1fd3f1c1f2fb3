# Azure Cache for Redis for core-store's cache (REDIS_URL, required in production with REPLICAS > 1):
# TLS only (port 6380, TLS 1.2), reachable only through its private endpoint. core-store connects with
# an access key (rediss://:<key>@<host>:6380), which the operator stores as `core-store-redis-url`;
# Entra ID authentication is switched on too, for when the cache client supports it.

locals {
  redis_name = "redis-${var.prefix}"
}

module "redis" {
  source  = "Azure/avm-res-cache-redis/azurerm"
  version = "0.4.0"

  name                = local.redis_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  sku_name            = var.redis_sku_name
  capacity            = var.redis_capacity
  zones               = var.redis_sku_name == "Premium" ? ["1", "2", "3"] : null
  redis_version       = "6"
  minimum_tls_version = "1.2"
  enable_non_ssl_port = false

  access_keys_authentication_enabled = true
  redis_configuration = {
    active_directory_authentication_enabled = true
    maxmemory_policy                        = "allkeys-lru"
  }

  public_network_access_enabled = false
  private_endpoints = {
    cache = {
      name                          = "pe-${local.redis_name}"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["redis"].id]
    }
  }
}
