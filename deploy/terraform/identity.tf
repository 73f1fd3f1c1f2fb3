# One user-assigned identity per service and one for the migration Job, each trusted by the AKS OIDC
# issuer for exactly its Kubernetes ServiceAccount, and each granted only what its service touches:
# - Service Bus: "Data Sender" on the topics it publishes to, "Data Receiver" on its own subscriptions
#   (both derived from var.servicebus_topology, i.e. libs/contracts PLATFORM_TOPOLOGY);
# - Blob storage: "Storage Blob Data Contributor" on its own containers;
# - Key Vault: "Key Vault Crypto User" on the KEK for the services that wrap data keys with it,
#   "Key Vault Secrets User" on its own secrets.
# PostgreSQL access is not Azure RBAC: an Entra administrator maps each identity to its application role.

locals {
  # Services whose code wraps data keys with the KEK (libs/crypto): core-store (tenant data keys) and
  # backup-worker (backup data keys).
  kek_users = ["core-store", "backup-worker"]

  # "<service>|<topic>" for every topic a platform service publishes to (external producers are not ours).
  servicebus_sender_grants = {
    for grant in flatten([
      for topic_name, topic in var.servicebus_topology.topics : [
        for publisher in topic.publishers : { identity = publisher, topic = topic_name } if contains(local.services, publisher)
      ]
    ]) : "${grant.identity}|${grant.topic}" => grant
  }

  # A subscription is named after the service that consumes it (libs/contracts), so it is that service's alone.
  servicebus_receiver_grants = {
    for key, subscription in local.servicebus_subscriptions : key => { identity = subscription.subscription, subscription_key = key }
  }
}

resource "azurerm_user_assigned_identity" "workload" {
  for_each = toset(local.workload_identities)

  name                = "id-${var.prefix}-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "workload" {
  for_each = toset(local.workload_identities)

  name                = "aks-${var.kubernetes_namespace}-${each.key}"
  resource_group_name = azurerm_resource_group.this.name
  parent_id           = azurerm_user_assigned_identity.workload[each.key].id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = module.aks.oidc_issuer_profile_issuer_url
  subject             = "system:serviceaccount:${var.kubernetes_namespace}:${each.key}"
}

resource "azurerm_role_assignment" "servicebus_sender" {
  for_each = local.servicebus_sender_grants

  scope                = module.servicebus.resource_topics[each.value.topic].id
  role_definition_name = "Azure Service Bus Data Sender"
  principal_id         = azurerm_user_assigned_identity.workload[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "servicebus_receiver" {
  for_each = local.servicebus_receiver_grants

  scope                = module.servicebus.resource_topics_subscriptions[each.value.subscription_key].id
  role_definition_name = "Azure Service Bus Data Receiver"
  principal_id         = azurerm_user_assigned_identity.workload[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "blob_contributor" {
  for_each = local.blob_containers

  scope                = module.storage.containers[each.key].id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.workload[each.value.service].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "kek_crypto_user" {
  for_each = toset(local.kek_users)

  scope                = module.keyvault.keys_resource_ids["kek"].resource_versionless_id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.workload[each.key].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "secrets_user" {
  for_each = local.keyvault_secrets

  scope                = module.keyvault.secrets_resource_ids[each.key].resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.workload[each.value.identity].principal_id
  principal_type       = "ServicePrincipal"
}
