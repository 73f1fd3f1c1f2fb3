# A development environment: smallest sizes, no high availability, no replica.
# terraform apply -var-file=examples/dev.tfvars (with TF_VAR_postgres_administrator_password set)

subscription_id  = "00000000-0000-0000-0000-000000000000"
prefix           = "comply-dev"
location         = "westeurope"
runbook_base_url = "https://github.com/<org>/<repo>/blob/main"

postgres_sku_name               = "B_Standard_B2ms"
postgres_storage_mb             = 32768
postgres_high_availability_mode = null
postgres_backup_retention_days  = 7
postgres_entra_administrators = {
  "comply-dev-db-admins" = { object_id = "<object id of the Entra group>", principal_type = "Group" }
}

servicebus_capacity = 1
redis_sku_name      = "Standard"
redis_capacity      = 0

# Short windows while nothing kept here matters: locked policies can be extended, never shortened.
audit_immutability_days  = 7
backup_immutability_days = 7

aks_sku_tier                 = "Free"
aks_node_vm_size             = "Standard_D4ds_v5"
aks_node_min_count           = 2
aks_node_max_count           = 3
aks_admin_group_object_ids   = ["<object id of the Entra group of cluster admins>"]
aks_api_authorized_ip_ranges = ["<operator or CI egress>/32"]

alert_email_addresses = ["platform-dev@example.com"]
