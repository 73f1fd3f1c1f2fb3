# Observability: Log Analytics (platform logs, container logs), Application Insights on it, an Azure
# Monitor workspace that managed Prometheus fills from the pods' /metrics (data collection endpoint and
# rule: aks.tf, onboard_monitoring), one action group, and the platform's alerts. Every alert names its
# runbook, docs/runbooks/alerts/<slug>.md (tools/deploy-checks fails when a page is missing).

locals {
  runbooks = "${trimsuffix(var.runbook_base_url, "/")}/docs/runbooks/alerts"
}

module "log_analytics" {
  source  = "Azure/avm-res-operationalinsights-workspace/azurerm"
  version = "0.5.1"

  name                = "log-${var.prefix}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  enable_telemetry    = false

  log_analytics_workspace_sku                          = "PerGB2018"
  log_analytics_workspace_retention_in_days            = var.log_retention_days
  log_analytics_workspace_local_authentication_enabled = false
  # No Azure Monitor private link scope here: agents and operators reach the workspace over its public endpoint (Entra ID only).
  log_analytics_workspace_internet_ingestion_enabled = "true"
  log_analytics_workspace_internet_query_enabled     = "true"
}

resource "azurerm_application_insights" "this" {
  name                          = "appi-${var.prefix}"
  location                      = azurerm_resource_group.this.location
  resource_group_name           = azurerm_resource_group.this.name
  workspace_id                  = module.log_analytics.resource_id
  application_type              = "other"
  local_authentication_disabled = true
  tags                          = local.tags
}

resource "azurerm_monitor_workspace" "this" {
  name                = "amw-${var.prefix}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_monitor_action_group" "platform" {
  name                = "ag-${var.prefix}"
  resource_group_name = azurerm_resource_group.this.name
  short_name          = "comply"
  tags                = local.tags

  dynamic "email_receiver" {
    for_each = toset(var.alert_email_addresses)
    content {
      name                    = "email-${email_receiver.key}"
      email_address           = email_receiver.key
      use_common_alert_schema = true
    }
  }

  # Whether a webhook is configured is no secret; its URL (often carrying a token) is.
  dynamic "webhook_receiver" {
    for_each = nonsensitive(var.alert_webhook_url == null) ? [] : ["webhook"]
    content {
      name                    = webhook_receiver.value
      service_uri             = var.alert_webhook_url
      use_common_alert_schema = true
    }
  }
}

# The services' own metrics (libs/observability, libs/messaging, backup-worker), as managed Prometheus
# stores them. Each series carries the service's `service` label.
resource "azurerm_monitor_alert_prometheus_rule_group" "platform" {
  name                = "prg-${var.prefix}-platform"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  cluster_name        = module.aks.name
  scopes              = [azurerm_monitor_workspace.this.id]
  rule_group_enabled  = true
  interval            = "PT1M"
  description         = "Comply platform alerts on the services' /metrics."
  tags                = local.tags

  rule {
    alert      = "error-rate"
    enabled    = true
    severity   = 2
    for        = "PT10M"
    expression = <<-PROMQL
      sum by (service) (rate(http_request_duration_seconds_count{status_code=~"5.."}[5m]))
        / sum by (service) (rate(http_request_duration_seconds_count[5m])) > 0.02
    PROMQL
    annotations = {
      summary     = "More than 2% of {{ $labels.service }}'s HTTP requests answered 5xx for 10 minutes."
      runbook_url = "${local.runbooks}/error-rate.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT10M"
    }
  }

  rule {
    alert      = "latency-p99"
    enabled    = true
    severity   = 3
    for        = "PT10M"
    expression = <<-PROMQL
      histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))) > 1
    PROMQL
    annotations = {
      summary     = "{{ $labels.service }}'s HTTP p99 latency above 1 s for 10 minutes."
      runbook_url = "${local.runbooks}/latency-p99.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT10M"
    }
  }

  rule {
    alert      = "dead-letters"
    enabled    = true
    severity   = 2
    expression = <<-PROMQL
      sum by (service, subscription) (increase(messaging_dead_lettered_total[15m])) > 0
    PROMQL
    annotations = {
      summary     = "{{ $labels.service }} dead-lettered messages from {{ $labels.subscription }}."
      runbook_url = "${local.runbooks}/dead-letters.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT15M"
    }
  }

  rule {
    alert      = "outbox-lag"
    enabled    = true
    severity   = 2
    for        = "PT5M"
    expression = <<-PROMQL
      max by (service) (outbox_lag_seconds) > 60
    PROMQL
    annotations = {
      summary     = "{{ $labels.service }} has committed events not sent for over 60 s."
      runbook_url = "${local.runbooks}/outbox-lag.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT10M"
    }
  }

  # Twice each database's schedule (BACKUP_INTERVAL_MS_*): core hourly, the others daily.
  rule {
    alert      = "backup-age"
    enabled    = true
    severity   = 2
    expression = <<-PROMQL
      max by (database) (backup_last_completed_age_seconds{database="core"}) > 2 * 3600
        or max by (database) (backup_last_completed_age_seconds{database!="core"}) > 2 * 86400
    PROMQL
    annotations = {
      summary     = "The newest completed backup of {{ $labels.database }} is older than twice its schedule."
      runbook_url = "${local.runbooks}/backup-age.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT30M"
    }
  }

  rule {
    alert      = "restore-drill-failure"
    enabled    = true
    severity   = 1
    expression = <<-PROMQL
      sum by (database) (increase(backup_verification_failures_total[1h])) > 0
        or max by (database) (backup_last_verified_age_seconds) > 8 * 86400
    PROMQL
    annotations = {
      summary     = "A restore drill of {{ $labels.database }} failed, or none has passed for 8 days."
      runbook_url = "${local.runbooks}/restore-drill-failure.md"
    }
    action {
      action_group_id = azurerm_monitor_action_group.platform.id
    }
    alert_resolution {
      auto_resolved   = true
      time_to_resolve = "PT1H"
    }
  }
}

# The broker's view of dead letters: also catches messages the services never saw (expired, filter errors).
resource "azurerm_monitor_metric_alert" "servicebus_dead_letters" {
  name                = "alert-${var.prefix}-dead-letters"
  resource_group_name = azurerm_resource_group.this.name
  scopes              = [module.servicebus.resource_id]
  description         = "Dead-lettered messages on a subscription. Runbook: ${local.runbooks}/dead-letters.md"
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT5M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.ServiceBus/namespaces"
    metric_name      = "DeadletteredMessages"
    aggregation      = "Maximum"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "EntityName"
      operator = "Include"
      values   = ["*"]
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.platform.id
  }
}

resource "azurerm_monitor_metric_alert" "database_cpu" {
  name                = "alert-${var.prefix}-database-cpu"
  resource_group_name = azurerm_resource_group.this.name
  scopes              = [module.postgres.resource_id]
  description         = "PostgreSQL CPU above 80% for 15 minutes. Runbook: ${local.runbooks}/database-cpu.md"
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.DBforPostgreSQL/flexibleServers"
    metric_name      = "cpu_percent"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 80
  }

  action {
    action_group_id = azurerm_monitor_action_group.platform.id
  }
}

resource "azurerm_monitor_metric_alert" "database_storage" {
  name                = "alert-${var.prefix}-database-storage"
  resource_group_name = azurerm_resource_group.this.name
  scopes              = [module.postgres.resource_id]
  description         = "PostgreSQL storage above 85%. Runbook: ${local.runbooks}/database-storage.md"
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.DBforPostgreSQL/flexibleServers"
    metric_name      = "storage_percent"
    aggregation      = "Maximum"
    operator         = "GreaterThan"
    threshold        = 85
  }

  action {
    action_group_id = azurerm_monitor_action_group.platform.id
  }
}
