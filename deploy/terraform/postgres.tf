# PostgreSQL flexible server: the five service databases, Entra ID for the services (DB_AUTH=entra),
# TLS required, reachable only through a private endpoint. Password authentication stays on for the
# administrator alone: the migration runner connects with DATABASE_URL (admin URL), and application
# roles are mapped to Entra principals by hand (README: after apply).
#
# Private endpoint rather than VNet integration (delegated subnet): every data service is then reached
# the same way, and a read replica or a restore can sit behind its own endpoint.

locals {
  postgres_name = "psql-${var.prefix}"
}

module "postgres" {
  source  = "Azure/avm-res-dbforpostgresql-flexibleserver/azurerm"
  version = "0.2.3"

  name                = local.postgres_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  server_version = var.postgres_version
  sku_name       = var.postgres_sku_name
  storage_mb     = var.postgres_storage_mb
  zone           = var.postgres_high_availability_mode == null ? null : "1"
  high_availability = var.postgres_high_availability_mode == null ? null : {
    mode = var.postgres_high_availability_mode
  }
  auto_grow_enabled            = true
  backup_retention_days        = var.postgres_backup_retention_days
  geo_redundant_backup_enabled = var.postgres_geo_redundant_backup_enabled

  administrator_login    = var.postgres_administrator_login
  administrator_password = var.postgres_administrator_password
  authentication = {
    active_directory_auth_enabled = true
    password_auth_enabled         = true
    tenant_id                     = data.azurerm_client_config.current.tenant_id
  }
  ad_administrator = {
    for name, admin in var.postgres_entra_administrators : name => {
      tenant_id      = data.azurerm_client_config.current.tenant_id
      object_id      = admin.object_id
      principal_name = name
      principal_type = admin.principal_type
    }
  }

  public_network_access_enabled = false
  private_endpoints = {
    server = {
      name                          = "pe-${local.postgres_name}"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["postgres"].id]
    }
  }

  databases = {
    for database in local.databases : database => {
      name      = database
      charset   = "UTF8"
      collation = "en_US.utf8"
    }
  }

  server_configuration = {
    require_secure_transport = {
      name   = "require_secure_transport"
      config = "on"
    }
    ssl_min_protocol_version = {
      name   = "ssl_min_protocol_version"
      config = "TLSv1.2"
    }
    # The changes made around the services (README of core-store) are only visible in the server's own logs.
    log_connections = {
      name   = "log_connections"
      config = "on"
    }
  }

  diagnostic_settings = {
    log_analytics = {
      name                  = "to-log-analytics"
      workspace_resource_id = module.log_analytics.resource_id
    }
  }
}

# Optional read replica (dashboards, analytics_reader): same module, created as a replica of the server.
module "postgres_replica" {
  source  = "Azure/avm-res-dbforpostgresql-flexibleserver/azurerm"
  version = "0.2.3"
  count   = var.postgres_read_replica_enabled ? 1 : 0

  name                = "${local.postgres_name}-replica"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  create_mode       = "Replica"
  source_server_id  = module.postgres.resource_id
  server_version    = var.postgres_version
  sku_name          = var.postgres_sku_name
  storage_mb        = var.postgres_storage_mb
  high_availability = null

  public_network_access_enabled = false
  private_endpoints = {
    server = {
      name                          = "pe-${local.postgres_name}-replica"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["postgres"].id]
    }
  }

  server_configuration = {
    require_secure_transport = {
      name   = "require_secure_transport"
      config = "on"
    }
  }
}
