# Production: zone-redundant database with a read replica and geo-redundant backups, Premium cache,
# locked retention as long as the audit trail and backups must be kept.
# terraform apply -var-file=examples/prod.tfvars (with TF_VAR_postgres_administrator_password and
# TF_VAR_alert_webhook_url set)

subscription_id  = "00000000-0000-0000-0000-000000000000"
prefix           = "comply-prod"
location         = "westeurope"
runbook_base_url = "https://github.com/<org>/<repo>/blob/main"
tags             = { "cost-center" = "compliance-platform" }

postgres_sku_name                     = "GP_Standard_D4ds_v5"
postgres_storage_mb                   = 262144
postgres_high_availability_mode       = "ZoneRedundant"
postgres_backup_retention_days        = 35
postgres_geo_redundant_backup_enabled = true
postgres_read_replica_enabled         = true
postgres_entra_administrators = {
  "comply-prod-db-admins" = { object_id = "<object id of the Entra group>", principal_type = "Group" }
}

servicebus_capacity      = 2
redis_sku_name           = "Premium"
redis_capacity           = 1
storage_account_sku_name = "Standard_GZRS"

# 7 years of audit (AUDIT_RETENTION_MONTHS 84, plus margin); backups 35 days (BACKUP_IMMUTABILITY_DAYS=35,
# BACKUP_RETENTION_DAYS >= 35 in the Helm values).
audit_immutability_days  = 2557
backup_immutability_days = 35

aks_sku_tier                 = "Standard"
aks_node_vm_size             = "Standard_D4ds_v5"
aks_node_min_count           = 3
aks_node_max_count           = 9
aks_admin_group_object_ids   = ["<object id of the Entra group of cluster admins>"]
aks_api_authorized_ip_ranges = ["<operator or CI egress>/32"]

alert_email_addresses = ["platform-oncall@example.com"]
log_retention_days    = 365
