# State holds the PostgreSQL administrator password and whatever the providers return: it lives in a
# storage account of its own, outside the environment's resource group, with Entra ID access only
# (README: state). Partial configuration: its settings are given at init, one state key per environment,
#   terraform init -backend-config=backend.hcl
# CI's offline checks run `terraform init -backend=false` and never touch it.
terraform {
  backend "azurerm" {}
}
