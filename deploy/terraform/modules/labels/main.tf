# Names and tags every resource of a root takes, so the two roots cannot drift apart.
terraform {
  required_version = ">= 1.6.0"
}

variable "project" {
  description = "Project name: the first part of every resource name and the `project` tag."
  type        = string
  default     = "shopstack"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,11}$", var.project))
    error_message = "project: 2-12 lower-case letters and digits, starting with a letter (it goes into storage-style names)."
  }
}

variable "environment" {
  description = "Environment name (e.g. prod, staging): the second part of every resource name and the `environment` tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.environment))
    error_message = "environment: 2-8 lower-case letters and digits, starting with a letter."
  }
}

variable "component" {
  description = "Which root this is (vm-microk8s or aks): the `component` tag."
  type        = string
}

variable "tags" {
  description = "Extra tags, merged over the common ones (a key given here wins)."
  type        = map(string)
  default     = {}
}

locals {
  common_tags = {
    project     = var.project
    environment = var.environment
    component   = var.component
    managed-by  = "terraform"
    repository  = "shopstack/deploy/terraform"
  }
}

output "name" {
  description = "The prefix of every resource name: <project>-<environment>."
  value       = "${var.project}-${var.environment}"
}

output "compact_name" {
  description = "The prefix without separators, for names that allow only letters and digits (ACR, storage)."
  value       = "${var.project}${var.environment}"
}

output "tags" {
  description = "The common tags merged with the extra ones: give them to every resource that takes tags."
  value       = merge(local.common_tags, var.tags)
}
