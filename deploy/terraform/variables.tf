# Inputs. None holds a secret by default: the PostgreSQL administrator password and the alert webhook
# come from the environment (TF_VAR_…), every other secret is set in Key Vault by operators.

variable "subscription_id" {
  description = "Azure subscription to deploy into."
  type        = string
}

variable "prefix" {
  description = "Prefix of every resource name, one per environment (e.g. comply-prod). Lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.prefix))
    error_message = "prefix: 3-21 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Azure region of every resource (one with availability zones)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "vnet_address_space" {
  description = "Address space of the VNet (a /16): AKS nodes take its first /20, private endpoints the /24 after it. Pods and services use overlay ranges outside it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "servicebus_topology" {
  description = "Topics, their publishing services, subscriptions and rules: libs/contracts PLATFORM_TOPOLOGY, from the checked-in servicebus-topology.auto.tfvars.json (`npm run docs:generate`). Do not edit by hand."
  type = object({
    entity_settings = object({
      duplicate_detection_history_time_window = string
      lock_duration                           = string
      max_delivery_count                      = number
    })
    topics = map(object({
      publishers = list(string)
      subscriptions = map(object({
        rules = map(object({
          sql_filter             = optional(string)
          correlation_properties = optional(map(string))
        }))
      }))
    }))
  })
}

variable "servicebus_capacity" {
  description = "Messaging units of the Premium Service Bus namespace (1, 2, 4, 8 or 16)."
  type        = number
  default     = 1
}

variable "postgres_version" {
  description = "PostgreSQL major version of the flexible server."
  type        = string
  default     = "16"
}

variable "postgres_sku_name" {
  description = "Flexible server SKU (e.g. GP_Standard_D2ds_v5; burstable B_ SKUs have no high availability)."
  type        = string
  default     = "GP_Standard_D2ds_v5"
}

variable "postgres_storage_mb" {
  description = "Flexible server storage in MB (grows automatically beyond it)."
  type        = number
  default     = 65536
}

variable "postgres_high_availability_mode" {
  description = "High availability of the flexible server: ZoneRedundant, SameZone, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.postgres_high_availability_mode == null || contains(["ZoneRedundant", "SameZone"], coalesce(var.postgres_high_availability_mode, "none"))
    error_message = "postgres_high_availability_mode: ZoneRedundant, SameZone or null."
  }
}

variable "postgres_backup_retention_days" {
  description = "Days of point-in-time restore the server keeps (7-35). The platform's own backups (backup-worker) are kept in blob storage besides."
  type        = number
  default     = 35
}

variable "postgres_geo_redundant_backup_enabled" {
  description = "Keep the server's backups in the paired region too (set at creation only)."
  type        = bool
  default     = false
}

variable "postgres_administrator_login" {
  description = "Login of the server's password administrator, used only by the migration runner (DATABASE_URL)."
  type        = string
  default     = "comply_admin"
}

variable "postgres_administrator_password" {
  description = "Password of the administrator. Pass it as TF_VAR_postgres_administrator_password; store the same in the Key Vault secret migrate-database-url."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.postgres_administrator_password) >= 16
    error_message = "postgres_administrator_password: at least 16 characters."
  }
}

variable "postgres_entra_administrators" {
  description = "Entra principals administering the server (they map the services' identities to their roles), by display name."
  type = map(object({
    object_id      = string
    principal_type = string
  }))
}

variable "postgres_read_replica_enabled" {
  description = "Create a read replica of the server (for dashboards reading the analytics views)."
  type        = bool
  default     = false
}

variable "redis_sku_name" {
  description = "Azure Cache for Redis SKU: Standard (replicated) or Premium (zones)."
  type        = string
  default     = "Standard"
}

variable "redis_capacity" {
  description = "Azure Cache for Redis size within the SKU (C0-C6 or P1-P5)."
  type        = number
  default     = 1
}

variable "storage_account_sku_name" {
  description = "Storage account SKU of the backup and audit blobs (Standard_ZRS, Standard_GZRS, …)."
  type        = string
  default     = "Standard_ZRS"
}

variable "container_registry_name" {
  description = "Name of the container registry, 5-50 letters and digits, unique across Azure (null: cr<prefix without hyphens>, e.g. crcomplyprod). Its SKU is always Premium, the only one with private endpoints."
  type        = string
  default     = null

  validation {
    condition     = var.container_registry_name == null || can(regex("^[a-zA-Z0-9]{5,50}$", coalesce(var.container_registry_name, "unset")))
    error_message = "container_registry_name: 5-50 letters and digits."
  }
}

variable "audit_immutability_days" {
  description = "Locked retention of the audit containers (checkpoints, archived partitions), in days: at least as long as the audit trail must be kept. Can be raised later, never lowered."
  type        = number
  default     = 2557
}

variable "backup_immutability_days" {
  description = "Locked retention of backup-worker's container, in days. Give backup-worker the same as BACKUP_IMMUTABILITY_DAYS (default 7), and a BACKUP_RETENTION_DAYS at least as long. Can be raised later, never lowered."
  type        = number
  default     = 7
}

variable "kubernetes_namespace" {
  description = "Namespace of the Helm release; the federated credentials trust its ServiceAccounts only."
  type        = string
  default     = "comply"
}

variable "aks_kubernetes_version" {
  description = "Kubernetes version of the cluster (<major>.<minor>; null: the region's default)."
  type        = string
  default     = null
}

variable "aks_sku_tier" {
  description = "AKS tier: Free, Standard (uptime SLA) or Premium."
  type        = string
  default     = "Standard"
}

variable "aks_admin_group_object_ids" {
  description = "Entra groups whose members administer the cluster (kubectl with Entra ID)."
  type        = list(string)
}

variable "aks_api_authorized_ip_ranges" {
  description = "CIDR ranges allowed to reach the Kubernetes API server (operators, CI). Empty: any."
  type        = list(string)
  default     = []
}

variable "aks_node_vm_size" {
  description = "VM size of the cluster's nodes."
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "aks_node_min_count" {
  description = "Fewest nodes the autoscaler keeps."
  type        = number
  default     = 3
}

variable "aks_node_max_count" {
  description = "Most nodes the autoscaler adds."
  type        = number
  default     = 6
}

variable "log_retention_days" {
  description = "Days Log Analytics keeps logs."
  type        = number
  default     = 90
}

variable "alert_email_addresses" {
  description = "Email addresses the action group notifies."
  type        = list(string)
  default     = []
}

variable "alert_webhook_url" {
  description = "Webhook the action group calls (Teams, Slack, PagerDuty, …), or null. Pass it as TF_VAR_alert_webhook_url: such URLs carry a token."
  type        = string
  default     = null
  sensitive   = true
}

variable "runbook_base_url" {
  description = "Where the repository's docs are browsed (e.g. https://github.com/<org>/<repo>/blob/main); alerts link <this>/docs/runbooks/alerts/<alert>.md."
  type        = string
}
