# The shop's pods read Key Vault as one user-assigned identity, by workload identity: each
# of its service accounts is trusted through a federated credential on the cluster's OIDC
# issuer (no client secret anywhere). The SecretProviderClass names this identity's client id.
resource "azurerm_user_assigned_identity" "workload" {
  name                = "${local.name}-shop"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "workload" {
  for_each = var.workload_service_accounts

  name                = "${var.workload_namespace}-${each.value}"
  resource_group_name = azurerm_resource_group.this.name
  parent_id           = azurerm_user_assigned_identity.workload.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject             = "system:serviceaccount:${var.workload_namespace}:${each.value}"
}

# Read the secrets' values, nothing else, in this vault only.
resource "azurerm_role_assignment" "workload_secrets_user" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.workload.principal_id
}
