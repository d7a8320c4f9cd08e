output "resource_group_name" {
  description = "The resource group holding the cluster, the registry and the vault."
  value       = azurerm_resource_group.this.name
}

output "cluster_name" {
  description = "The AKS cluster's name."
  value       = azurerm_kubernetes_cluster.this.name
}

output "kubeconfig_command" {
  description = "Fetch a kubeconfig (Entra ID sign-in through kubelogin: local accounts are disabled)."
  value       = "az aks get-credentials --resource-group ${azurerm_resource_group.this.name} --name ${azurerm_kubernetes_cluster.this.name} --overwrite-existing && kubelogin convert-kubeconfig -l azurecli"
}

output "oidc_issuer_url" {
  description = "The cluster's OIDC issuer (the federated credentials trust it)."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "acr_login_server" {
  description = "The registry's address: the aks overlay's images[].newName prefix (replace shopstack.azurecr.io)."
  value       = azurerm_container_registry.this.login_server
}

output "acr_name" {
  description = "The registry's name, for `az acr build -r`."
  value       = azurerm_container_registry.this.name
}

output "key_vault_name" {
  description = "The vault the shop's secrets are uploaded to (`az keyvault secret set --vault-name`)."
  value       = azurerm_key_vault.this.name
}

output "key_vault_uri" {
  description = "The vault's address."
  value       = azurerm_key_vault.this.vault_uri
}

output "tenant_id" {
  description = "The Entra ID tenant: a SecretProviderClass' tenantId."
  value       = data.azurerm_client_config.current.tenant_id
}

output "workload_identity_client_id" {
  description = "The shop's identity: the SecretProviderClass' clientID and the service accounts' azure.workload.identity/client-id annotation."
  value       = azurerm_user_assigned_identity.workload.client_id
}

output "log_analytics_workspace_id" {
  description = "The Log Analytics workspace (null without enable_log_analytics)."
  value       = var.enable_log_analytics ? azurerm_log_analytics_workspace.this[0].id : null
}
