# Service Bus: a Premium namespace reached only through its private endpoint and only with Entra ID
# (no SAS keys), carrying the topology of libs/contracts from servicebus-topology.auto.tfvars.json.

locals {
  servicebus_name = "sb-${var.prefix}"

  # "<topic>|<subscription>": the key under which the Verified Module exposes each subscription.
  servicebus_subscriptions = merge([
    for topic_name, topic in var.servicebus_topology.topics : {
      for subscription_name, subscription in topic.subscriptions :
      "${topic_name}|${subscription_name}" => { topic = topic_name, subscription = subscription_name, rules = subscription.rules }
    }
  ]...)

  servicebus_rules = merge([
    for key, subscription in local.servicebus_subscriptions : {
      for rule_name, rule in subscription.rules :
      "${key}|${rule_name}" => merge(rule, { subscription_key = key, name = rule_name })
    }
  ]...)
}

module "servicebus" {
  source  = "Azure/avm-res-servicebus-namespace/azurerm"
  version = "0.4.0"

  name                = local.servicebus_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  sku                           = "Premium"
  capacity                      = var.servicebus_capacity
  premium_messaging_partitions  = 1
  minimum_tls_version           = "1.2"
  local_auth_enabled            = false
  public_network_access_enabled = false
  network_rule_config = {
    default_action           = "Deny"
    trusted_services_allowed = false
  }

  topics = {
    for topic_name, topic in var.servicebus_topology.topics : topic_name => {
      # The outbox resends a row after a crash with the same messageId; the broker drops the copy.
      requires_duplicate_detection            = true
      duplicate_detection_history_time_window = var.servicebus_topology.entity_settings.duplicate_detection_history_time_window
      subscriptions = {
        for subscription_name, _ in topic.subscriptions : subscription_name => {
          max_delivery_count                   = var.servicebus_topology.entity_settings.max_delivery_count
          lock_duration                        = var.servicebus_topology.entity_settings.lock_duration
          dead_lettering_on_message_expiration = false
          requires_session                     = false
        }
      }
    }
  }

  private_endpoints = {
    namespace = {
      name                          = "pe-${local.servicebus_name}"
      subnet_resource_id            = azurerm_subnet.private_endpoints.id
      private_dns_zone_resource_ids = [azurerm_private_dns_zone.this["servicebus"].id]
    }
  }

  diagnostic_settings = {
    log_analytics = {
      name                  = "to-log-analytics"
      workspace_resource_id = module.log_analytics.resource_id
    }
  }
}

# Subscription rules: the Verified Module (0.4.0) creates topics and subscriptions but has no input for
# rules, so they are plain azurerm resources on the subscriptions it returns.
resource "azurerm_servicebus_subscription_rule" "this" {
  for_each = local.servicebus_rules

  name            = each.value.name
  subscription_id = module.servicebus.resource_topics_subscriptions[each.value.subscription_key].id
  filter_type     = each.value.sql_filter != null ? "SqlFilter" : "CorrelationFilter"
  sql_filter      = each.value.sql_filter

  dynamic "correlation_filter" {
    for_each = each.value.correlation_properties != null ? [each.value.correlation_properties] : []
    content {
      properties = correlation_filter.value
    }
  }
}

# Azure gives every subscription it creates a `$Default` rule that matches every message, which would
# deliver each topic's whole traffic to every subscription. Once the platform's rules exist, it goes.
resource "azapi_resource_action" "delete_default_rule" {
  for_each = local.servicebus_subscriptions

  type        = "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01"
  resource_id = "${module.servicebus.resource_topics_subscriptions[each.key].id}/rules/$Default"
  method      = "DELETE"

  depends_on = [azurerm_servicebus_subscription_rule.this]
}
