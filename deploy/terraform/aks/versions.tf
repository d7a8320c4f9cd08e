terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
  }

  # Remote state in Azure Storage: a partial configuration, completed at init with
  # `terraform init -backend-config=backend.hcl` (backend.hcl.example; the bootstrap of the
  # storage account is in README.md). The state holds the cluster's identifiers, never a
  # shop secret: those go into Key Vault by hand (docs/deploy.md).
  backend "azurerm" {}
}

provider "azurerm" {
  features {
    key_vault {
      # Purge protection is on: a destroyed vault stays soft-deleted for its retention.
      purge_soft_delete_on_destroy = false
    }
  }
  # Key Vault and Storage by Entra ID, not by shared keys.
  storage_use_azuread = true
}

data "azurerm_client_config" "current" {}
