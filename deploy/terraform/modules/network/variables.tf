variable "name" {
  description = "Prefix of the network's resource names (<name>-vnet, <name>-subnet, <name>-nsg)."
  type        = string
}

variable "resource_group_name" {
  description = "The resource group the network goes into (the root creates it)."
  type        = string
}

variable "location" {
  description = "Azure region of the network."
  type        = string
}

variable "address_space" {
  description = "The VNet's address space."
  type        = list(string)

  validation {
    condition     = length(var.address_space) > 0 && alltrue([for cidr in var.address_space : can(cidrhost(cidr, 0))])
    error_message = "address_space: one or more CIDR blocks."
  }
}

variable "subnet_prefix" {
  description = "The one subnet's CIDR block, inside address_space (the VM's NIC, or AKS' nodes and pods)."
  type        = string

  validation {
    condition     = can(cidrhost(var.subnet_prefix, 0))
    error_message = "subnet_prefix: a CIDR block."
  }
}

variable "ssh_source_cidr" {
  description = "The only address range SSH (22/TCP) is admitted from; null opens no SSH at all (AKS). Never the whole Internet."
  type        = string
  default     = null

  validation {
    condition     = var.ssh_source_cidr == null ? true : can(cidrhost(var.ssh_source_cidr, 0)) && !endswith(var.ssh_source_cidr, "/0")
    error_message = "ssh_source_cidr: a CIDR block that is not the whole Internet (not *, 0.0.0.0/0 or any /0)."
  }
}

variable "tags" {
  description = "Tags of every resource of the network."
  type        = map(string)
}
