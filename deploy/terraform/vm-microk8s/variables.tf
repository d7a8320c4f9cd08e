variable "environment" {
  description = "Environment name (prod, staging, ...): part of every resource name and a tag."
  type        = string
  default     = "prod"
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Extra tags for every resource, merged over the common ones (project, environment, component, managed-by)."
  type        = map(string)
  default     = {}
}

variable "ssh_source_cidr" {
  description = "The one address range admitted to SSH (22/TCP), e.g. your office's 203.0.113.0/28 or your own address as /32. There is no default: it must never be the whole Internet."
  type        = string

  validation {
    condition     = can(cidrhost(var.ssh_source_cidr, 0)) && !endswith(var.ssh_source_cidr, "/0")
    error_message = "ssh_source_cidr: a CIDR block that is not the whole Internet (not *, 0.0.0.0/0 or any /0)."
  }
}

variable "admin_username" {
  description = "The VM's administrator (SSH keys only; it may run microk8s and sudo)."
  type        = string
  default     = "shopstack"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.admin_username)) && !contains(["root", "admin", "administrator"], var.admin_username)
    error_message = "admin_username: a Linux user name (lower case, at most 32 characters), not root, admin or administrator (Azure refuses them)."
  }
}

variable "admin_ssh_public_key" {
  description = "The administrator's OpenSSH public key (the contents of ~/.ssh/id_ed25519.pub). Password sign-in is disabled."
  type        = string

  validation {
    condition     = can(regex("^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+", var.admin_ssh_public_key))
    error_message = "admin_ssh_public_key: an OpenSSH public key line (ssh-ed25519 ..., ssh-rsa ... or ecdsa-sha2-...)."
  }
}

variable "vm_size" {
  description = "The VM's size: 4 vCPU and 16 GiB by default (the stack requests about 1.5 CPU and 2.3 GiB, observability as much again)."
  type        = string
  default     = "Standard_D4s_v3"

  validation {
    condition     = can(regex("^Standard_[A-Z][0-9]+[a-z]*s_v[0-9]$", var.vm_size))
    error_message = "vm_size: an Azure size with premium storage (the s in Standard_D4s_v3)."
  }
}

variable "os_disk_size_gb" {
  description = "The OS disk's size (the snaps, the container images and the build cache)."
  type        = number
  default     = 64

  validation {
    condition     = var.os_disk_size_gb >= 30 && var.os_disk_size_gb <= 1024
    error_message = "os_disk_size_gb: 30 to 1024."
  }
}

variable "data_disk_size_gb" {
  description = "The managed data disk's size: it holds every hostPath volume (the databases, their backups, the registry's images, Prometheus)."
  type        = number
  default     = 128

  validation {
    condition     = var.data_disk_size_gb >= 32 && var.data_disk_size_gb <= 4095
    error_message = "data_disk_size_gb: 32 to 4095."
  }
}

variable "address_space" {
  description = "The VNet's address space (clear of MicroK8s' 10.1.0.0/16 pods and 10.152.183.0/24 services)."
  type        = list(string)
  default     = ["10.20.0.0/16"]
}

variable "subnet_prefix" {
  description = "The VM's subnet."
  type        = string
  default     = "10.20.1.0/24"
}

variable "repository_url" {
  description = "The shopstack repository the VM clones (https)."
  type        = string
  default     = "https://github.com/shopstack/shopstack.git"

  validation {
    condition     = can(regex("^https://[A-Za-z0-9._~:/@%+-]+$", var.repository_url))
    error_message = "repository_url: an https:// address without quotes, spaces or query (the VM has no credentials to clone with)."
  }
}

variable "repository_ref" {
  description = "The branch, tag or commit the VM checks out and deploys."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,128}$", var.repository_ref))
    error_message = "repository_ref: a git branch, tag or commit (letters, digits, . _ / -)."
  }
}

variable "image_registry" {
  description = "Where the five images come from: empty (the default) builds them on the VM with ci/image.sh and pushes them to MicroK8s' registry (localhost:32000); a registry such as ghcr.io/you pulls <registry>/<service>:<image_tag> instead."
  type        = string
  default     = ""

  validation {
    condition     = var.image_registry == "" || can(regex("^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$", var.image_registry))
    error_message = "image_registry: empty, or a registry host with an optional path (no scheme, no tag)."
  }
}

variable "image_tag" {
  description = "The images' tag: built with it (BUILD_NUMBER) or pulled with it."
  type        = string
  default     = "0.1.0"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", var.image_tag))
    error_message = "image_tag: a container image tag."
  }
}

variable "shop_host" {
  description = "The shop's DNS name (the identity service is id.<shop_host>). Null: shop.<public IP>.nip.io, which resolves without any DNS set-up."
  type        = string
  default     = null

  validation {
    condition     = var.shop_host == null ? true : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.shop_host))
    error_message = "shop_host: a lower-case DNS name such as shop.example.com."
  }
}

variable "enable_monitoring" {
  description = "Apply the overlay with the monitoring component (deploy/k8s/components/monitoring, for the observability add-on's Prometheus Operator) when the checked-out ref has it."
  type        = bool
  default     = true
}
