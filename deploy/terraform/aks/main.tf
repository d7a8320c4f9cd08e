# AKS with workload identity and the OIDC issuer, in the shared network module's VNet (Azure
# CNI, Azure network policies: the overlays' NetworkPolicies are enforced), its images from
# an attached ACR (acr.tf), its secrets from Key Vault through the Secrets Store CSI driver
# (key_vault.tf, workload_identity.tf), and optionally Container insights (log_analytics.tf).

module "labels" {
  source = "../modules/labels"

  environment = var.environment
  component   = "aks"
  tags        = var.tags
}

locals {
  name = "${module.labels.name}-aks"
  tags = module.labels.tags
  # Globally unique names, stable for one subscription.
  suffix = substr(sha1("${data.azurerm_client_config.current.subscription_id}/${local.name}"), 0, 6)
}

resource "azurerm_resource_group" "this" {
  name     = "${local.name}-rg"
  location = var.location
  tags     = local.tags
}

module "network" {
  source = "../modules/network"

  name                = local.name
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  address_space       = var.address_space
  subnet_prefix       = var.subnet_prefix
  # No SSH: nodes are reached with `kubectl debug node/...`, never from outside.
  ssh_source_cidr = null
  tags            = local.tags
}

# The control plane's own identity, made first so that it may manage the subnet (load
# balancers, node NICs) before the cluster exists.
resource "azurerm_user_assigned_identity" "cluster" {
  name                = "${local.name}-cluster"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = local.tags
}

resource "azurerm_role_assignment" "cluster_network" {
  scope                = module.network.vnet_id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

resource "azurerm_kubernetes_cluster" "this" {
  #checkov:skip=CKV_AZURE_115:a public API server restricted to admin_cidrs (api_server_access_profile): a private cluster needs a jump host or VPN this root does not make
  #checkov:skip=CKV_AZURE_117:platform-managed keys encrypt the node disks; a disk encryption set (customer-managed key) is an organisation's choice, not the shop's
  #checkov:skip=CKV_AZURE_226:the default D2s_v5/D4s_v5 sizes have no local disk for an ephemeral OS disk; a managed OS disk is used
  #checkov:skip=CKV_AZURE_6:authorized_ip_ranges is var.admin_cidrs, a required variable validated non-empty and never /0, which checkov cannot resolve without values
  #checkov:skip=CKV_AZURE_227:encryption at host needs the subscription feature Microsoft.Compute/EncryptionAtHost registered first; node disks are encrypted at rest by the platform
  name                = "${local.name}-cluster"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  dns_prefix          = local.name
  kubernetes_version  = var.kubernetes_version
  # The uptime SLA: the shop's HPAs and PDBs assume a control plane that stays up.
  sku_tier = "Standard"
  tags     = local.tags

  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  # Entra ID sign-in with Azure RBAC only: no static admin credential exists.
  local_account_disabled            = true
  role_based_access_control_enabled = true
  azure_active_directory_role_based_access_control {
    tenant_id          = data.azurerm_client_config.current.tenant_id
    azure_rbac_enabled = true
  }

  api_server_access_profile {
    authorized_ip_ranges = var.admin_cidrs
  }

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"
  azure_policy_enabled      = true
  image_cleaner_enabled     = true
  # Hours between scans for unused, vulnerable images on the nodes.
  image_cleaner_interval_hours = 48

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  default_node_pool {
    name                 = "system"
    vm_size              = var.system_node_vm_size
    auto_scaling_enabled = true
    min_count            = 2
    max_count            = 3
    zones                = var.zones
    vnet_subnet_id       = module.network.subnet_id
    max_pods             = 50
    # System pods only: the shop runs on the user pool below.
    only_critical_addons_enabled = true
    tags                         = local.tags

    upgrade_settings {
      max_surge = "33%"
    }
  }

  network_profile {
    network_plugin    = "azure"
    network_policy    = "azure"
    load_balancer_sku = "standard"
    # Clear of the VNet (10.224.0.0/12 by default).
    service_cidr   = "10.0.0.0/16"
    dns_service_ip = "10.0.0.10"
  }

  key_vault_secrets_provider {
    # A secret changed in Key Vault reaches the mounted files without a restart.
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  dynamic "oms_agent" {
    for_each = var.enable_log_analytics ? [1] : []
    content {
      log_analytics_workspace_id      = azurerm_log_analytics_workspace.this[0].id
      msi_auth_for_monitoring_enabled = true
    }
  }

  depends_on = [azurerm_role_assignment.cluster_network]

  lifecycle {
    # The autoscaler, not Terraform, decides the number of nodes.
    ignore_changes = [default_node_pool[0].node_count]
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  #checkov:skip=CKV_AZURE_227:encryption at host needs the subscription feature Microsoft.Compute/EncryptionAtHost registered first; node disks are encrypted at rest by the platform
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = var.user_node_vm_size
  mode                  = "User"
  auto_scaling_enabled  = true
  min_count             = var.user_node_count.min
  max_count             = var.user_node_count.max
  zones                 = var.zones
  vnet_subnet_id        = module.network.subnet_id
  max_pods              = 50
  tags                  = local.tags

  upgrade_settings {
    max_surge = "33%"
  }

  lifecycle {
    ignore_changes = [node_count]
  }
}
