# The images' registry. The kubelet pulls with its own identity (AcrPull): no pull secret and
# no admin user exist.
resource "azurerm_container_registry" "this" {
  #checkov:skip=CKV_AZURE_139:the nodes pull over the public endpoint with their Entra ID identity (AcrPull, no admin user); a private endpoint needs private DNS this root does not make
  #checkov:skip=CKV_AZURE_164:Docker Content Trust is being retired by ACR; the pipeline signs the images with cosign instead (ci/sign.sh)
  #checkov:skip=CKV_AZURE_165:one region: the cluster runs in the registry's region only, geo-replication would serve no one
  #checkov:skip=CKV_AZURE_166:quarantine needs a scanner that releases images; the pipeline scans them before it pushes (ci/scan.sh)
  name                = coalesce(var.acr_name, "${module.labels.compact_name}${local.suffix}")
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = "Premium"
  admin_enabled       = false
  tags                = local.tags

  # Untagged manifests (superseded builds) are deleted after a week.
  retention_policy_in_days = 7
  zone_redundancy_enabled  = true
  data_endpoint_enabled    = true
}

resource "azurerm_role_assignment" "kubelet_acr_pull" {
  scope                            = azurerm_container_registry.this.id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}
