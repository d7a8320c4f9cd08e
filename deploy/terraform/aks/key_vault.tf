# The shop's secrets (the files ci/k8s-secrets.sh makes, uploaded as Key Vault secrets) for
# the Secrets Store CSI driver. RBAC only, purge protection, and a firewall that admits the
# cluster's subnet (its service endpoint) and admin_cidrs (to upload), nothing else.
resource "azurerm_key_vault" "this" {
  #checkov:skip=CKV_AZURE_189:public network access stays on, but the firewall below denies every address except admin_cidrs and the cluster's subnet; a private endpoint needs private DNS this root does not make
  #checkov:skip=CKV2_AZURE_32:no private endpoint (see CKV_AZURE_189); the vault is reached through the subnet's service endpoint
  name                = coalesce(var.vault_name, substr("${module.labels.compact_name}kv${local.suffix}", 0, 24))
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"
  tags                = local.tags

  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90

  network_acls {
    default_action             = "Deny"
    bypass                     = "AzureServices"
    ip_rules                   = var.admin_cidrs
    virtual_network_subnet_ids = [module.network.subnet_id]
  }
}

# Whoever runs Terraform uploads the secrets (docs/deploy.md): Secrets Officer, this vault only.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}
