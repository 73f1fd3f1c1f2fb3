# AKS: workload identity with the OIDC issuer (each pod gets its service's managed identity), KEDA
# (scales consumers on subscription depth), the Key Vault secrets provider (Secrets Store CSI driver)
# and Azure Monitor managed Prometheus, which scrapes the pods' /metrics into the monitor workspace.
# Entra ID for kubectl (Azure RBAC, no local accounts).

locals {
  aks_name = "aks-${var.prefix}"
}

# The control plane's own identity, so it can be granted the node subnet before the cluster exists.
resource "azurerm_user_assigned_identity" "aks_control_plane" {
  name                = "id-${var.prefix}-aks"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_role_assignment" "aks_subnet" {
  scope                = azurerm_subnet.aks_nodes.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.aks_control_plane.principal_id
  principal_type       = "ServicePrincipal"
}

module "aks" {
  source  = "Azure/avm-res-containerservice-managedcluster/azurerm"
  version = "0.8.1"

  name             = local.aks_name
  location         = azurerm_resource_group.this.location
  parent_id        = azurerm_resource_group.this.id
  tags             = local.tags
  enable_telemetry = false

  kubernetes_version = var.aks_kubernetes_version
  dns_prefix         = local.aks_name
  sku = {
    name = "Base"
    tier = var.aks_sku_tier
  }
  managed_identities = {
    system_assigned            = false
    user_assigned_resource_ids = [azurerm_user_assigned_identity.aks_control_plane.id]
  }

  aad_profile = {
    managed                = true
    enable_azure_rbac      = true
    tenant_id              = data.azurerm_client_config.current.tenant_id
    admin_group_object_ids = var.aks_admin_group_object_ids
  }
  disable_local_accounts = true
  api_server_access_profile = {
    authorized_ip_ranges = var.aks_api_authorized_ip_ranges
  }

  default_agent_pool = {
    name                = "system"
    mode                = "System"
    vm_size             = var.aks_node_vm_size
    enable_auto_scaling = true
    min_count           = var.aks_node_min_count
    max_count           = var.aks_node_max_count
    availability_zones  = ["1", "2", "3"]
    vnet_subnet_id      = azurerm_subnet.aks_nodes.id
    upgrade_settings = {
      max_surge = "10%"
    }
  }

  network_profile = {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_dataplane   = "cilium"
    network_policy      = "cilium"
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "172.16.0.0/16"
    dns_service_ip      = "172.16.0.10"
  }

  oidc_issuer_profile = {
    enabled = true
  }
  security_profile = {
    workload_identity = {
      enabled = true
    }
    image_cleaner = {
      enabled        = true
      interval_hours = 48
    }
  }
  workload_auto_scaler_profile = {
    keda = {
      enabled = true
    }
  }
  addon_profile_key_vault_secrets_provider = {
    enabled = true
    config = {
      enable_secret_rotation = true
      rotation_poll_interval = "2m"
    }
  }

  # Managed Prometheus: metrics on, and the module's monitoring (data collection endpoint, rule and their
  # association with the cluster) sending them to the monitor workspace; container logs to Log Analytics.
  azure_monitor_profile = {
    metrics = {
      enabled            = true
      kube_state_metrics = {}
    }
  }
  prometheus_workspace_id = azurerm_monitor_workspace.this.id
  onboard_monitoring      = true
  addon_profile_oms_agent = {
    enabled = true
    config = {
      log_analytics_workspace_resource_id = module.log_analytics.resource_id
      use_aad_auth                        = true
    }
  }

  diagnostic_settings = {
    log_analytics = {
      name                  = "to-log-analytics"
      workspace_resource_id = module.log_analytics.resource_id
    }
  }

  depends_on = [azurerm_role_assignment.aks_subnet]
}

# KEDA's azure-servicebus triggers read each subscription's message count through Service Bus's
# management API, which takes the Manage right ("Data Owner"). Rather than giving that to the services,
# the scaler gets an identity of its own, trusted for the KEDA add-on's operator ServiceAccount, with
# that role on the platform's subscriptions only (TriggerAuthentication identityId: keda_identity_client_id).
resource "azurerm_user_assigned_identity" "keda" {
  name                = "id-${var.prefix}-keda"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "keda" {
  name                = "aks-kube-system-keda-operator"
  resource_group_name = azurerm_resource_group.this.name
  parent_id           = azurerm_user_assigned_identity.keda.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = module.aks.oidc_issuer_profile_issuer_url
  subject             = "system:serviceaccount:kube-system:keda-operator"
}

resource "azurerm_role_assignment" "keda_subscription_reader" {
  for_each = local.servicebus_subscriptions

  scope                = module.servicebus.resource_topics_subscriptions[each.key].id
  role_definition_name = "Azure Service Bus Data Owner"
  principal_id         = azurerm_user_assigned_identity.keda.principal_id
  principal_type       = "ServicePrincipal"
}
