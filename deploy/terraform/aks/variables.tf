variable "environment" {
  description = "Environment name (prod, staging, ...): part of every resource name and a tag."
  type        = string
  default     = "prod"
}

variable "location" {
  description = "Azure region (one with three availability zones for the default zones)."
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Extra tags for every resource, merged over the common ones (project, environment, component, managed-by)."
  type        = map(string)
  default     = {}
}

variable "admin_cidrs" {
  description = "The address ranges admitted to the Kubernetes API server and to the Key Vault's firewall (your office, your CI's egress). There is no default: never the whole Internet."
  type        = list(string)

  validation {
    condition = length(var.admin_cidrs) > 0 && alltrue([
      for cidr in var.admin_cidrs : can(cidrhost(cidr, 0)) && !endswith(cidr, "/0")
    ])
    error_message = "admin_cidrs: one or more CIDR blocks, none of them the whole Internet (not *, 0.0.0.0/0 or any /0)."
  }
}

variable "kubernetes_version" {
  description = "The AKS Kubernetes version (minor, e.g. 1.29: patches follow automatically)."
  type        = string
  default     = "1.29"

  validation {
    condition     = can(regex("^1\\.(29|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version: a minor version, 1.29 or later (the manifests are validated against 1.29)."
  }
}

variable "system_node_vm_size" {
  description = "The system node pool's VM size (CoreDNS, the CSI drivers, the metrics agents)."
  type        = string
  default     = "Standard_D2s_v5"
}

variable "user_node_vm_size" {
  description = "The user node pool's VM size (the shop, ingress-nginx, cert-manager, monitoring)."
  type        = string
  default     = "Standard_D4s_v5"
}

variable "user_node_count" {
  description = "Minimum and maximum nodes of the user pool (the cluster autoscaler moves between them)."
  type        = object({ min = number, max = number })
  default     = { min = 3, max = 6 }

  validation {
    condition     = var.user_node_count.min >= 2 && var.user_node_count.max >= var.user_node_count.min && var.user_node_count.max <= 100
    error_message = "user_node_count: min at least 2 (the HPAs' minimum of 2 and the PDBs), max at least min, at most 100."
  }
}

variable "zones" {
  description = "Availability zones of the node pools."
  type        = list(string)
  default     = ["1", "2", "3"]

  validation {
    condition     = alltrue([for zone in var.zones : contains(["1", "2", "3"], zone)])
    error_message = "zones: a subset of 1, 2, 3."
  }
}

variable "address_space" {
  description = "The VNet's address space. The default matches the aks overlay's FORWARDED_ALLOW_IPS (10.224.0.0/16, the subnet of nodes and pods with Azure CNI)."
  type        = list(string)
  default     = ["10.224.0.0/12"]
}

variable "subnet_prefix" {
  description = "The node and pod subnet (Azure CNI): the aks overlay's FORWARDED_ALLOW_IPS must be this range."
  type        = string
  default     = "10.224.0.0/16"
}

variable "acr_name" {
  description = "The container registry's globally unique name (5-50 letters and digits). Null: <project><environment> and 6 characters derived from the subscription."
  type        = string
  default     = null

  validation {
    condition     = var.acr_name == null ? true : can(regex("^[a-zA-Z0-9]{5,50}$", var.acr_name))
    error_message = "acr_name: 5 to 50 letters and digits."
  }
}

variable "vault_name" {
  description = "The Key Vault's globally unique name (3-24 letters, digits and hyphens). Null: <project><environment>kv and 6 characters derived from the subscription, cut to 24."
  type        = string
  default     = null

  validation {
    condition     = var.vault_name == null ? true : can(regex("^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$", var.vault_name))
    error_message = "vault_name: 3 to 24 letters, digits and hyphens, starting with a letter."
  }
}

variable "enable_log_analytics" {
  description = "Send container logs and metrics to a Log Analytics workspace (Container insights). Off: the cluster's own Prometheus, Loki and Grafana only."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "How long Log Analytics keeps logs (with enable_log_analytics)."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days: 30 to 730."
  }
}

variable "workload_namespace" {
  description = "The namespace the shop runs in (the overlays' namespace)."
  type        = string
  default     = "shopstack"
}

variable "workload_service_accounts" {
  description = "The shop's service accounts that may read the Key Vault's secrets through workload identity (the Secrets Store CSI driver mounts them in their pods)."
  type        = set(string)
  default     = ["identity", "gateway", "product", "inventory", "order", "mysql", "mongodb", "redis", "backup"]

  validation {
    condition     = length(var.workload_service_accounts) <= 20
    error_message = "workload_service_accounts: at most 20 (Azure's limit of federated credentials per identity)."
  }
}
