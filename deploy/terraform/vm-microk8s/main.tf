# One Ubuntu 24.04 VM running MicroK8s 1.29, as docs/deploy.md's MicroK8s section does by
# hand: cloud-init runs bootstrap.sh, which installs MicroK8s and its add-ons, puts the
# hostPath volumes on the data disk, builds (or pulls) the images and applies the overlay.

module "labels" {
  source = "../modules/labels"

  environment = var.environment
  component   = "vm-microk8s"
  tags        = var.tags
}

locals {
  name = "${module.labels.name}-mk8s"
  tags = module.labels.tags
  # Without a name of its own the shop is reached as shop.<address>.nip.io, which resolves
  # to the address with no DNS set-up (and id.shop.<address>.nip.io, the identity service).
  shop_host = coalesce(var.shop_host, "shop.${azurerm_public_ip.this.ip_address}.nip.io")
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
  ssh_source_cidr     = var.ssh_source_cidr
  tags                = local.tags
}

resource "azurerm_public_ip" "this" {
  name                = "${local.name}-ip"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  # Static, so the address (and the nip.io names made from it) survive a VM restart.
  allocation_method = "Static"
  sku               = "Standard"
  tags              = local.tags
}

resource "azurerm_network_interface" "this" {
  #checkov:skip=CKV_AZURE_119:the single-VM cluster serves the shop on its own public address (NSG: 80/443 from anywhere, 22 from one range); there is no load balancer in front of it
  name                = "${local.name}-nic"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  tags                = local.tags

  ip_configuration {
    name                          = "primary"
    subnet_id                     = module.network.subnet_id
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = azurerm_public_ip.this.id
  }
}

resource "azurerm_linux_virtual_machine" "this" {
  name                  = "${local.name}-vm"
  computer_name         = "shopstack"
  resource_group_name   = azurerm_resource_group.this.name
  location              = azurerm_resource_group.this.location
  size                  = var.vm_size
  admin_username        = var.admin_username
  network_interface_ids = [azurerm_network_interface.this.id]
  tags                  = local.tags

  disable_password_authentication = true
  # No VM extensions: everything the machine needs comes from cloud-init.
  allow_extension_operations = false
  provision_vm_agent         = true

  admin_ssh_key {
    username   = var.admin_username
    public_key = var.admin_ssh_public_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
    disk_size_gb         = var.os_disk_size_gb
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }

  # The serial log shows cloud-init's progress without SSH (az vm boot-diagnostics get-boot-log).
  boot_diagnostics {}

  custom_data = base64encode(templatefile("${path.module}/cloud-init.yaml.tftpl", {
    admin_username    = var.admin_username
    bootstrap_script  = file("${path.module}/bootstrap.sh")
    repository_url    = var.repository_url
    repository_ref    = var.repository_ref
    image_registry    = var.image_registry
    image_tag         = var.image_tag
    shop_host         = local.shop_host
    enable_monitoring = var.enable_monitoring
  }))

  lifecycle {
    # A newer Ubuntu image must not replace a running VM on the next apply.
    ignore_changes = [source_image_reference[0].version]
  }
}

resource "azurerm_managed_disk" "data" {
  #checkov:skip=CKV_AZURE_93:platform-managed keys encrypt the disk at rest; a disk encryption set (customer-managed key) is an organisation's choice, not the shop's
  name                 = "${local.name}-data"
  resource_group_name  = azurerm_resource_group.this.name
  location             = azurerm_resource_group.this.location
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = var.data_disk_size_gb
  tags                 = local.tags
  # No export or import by SAS URL: the disk holds the databases.
  public_network_access_enabled = false
  network_access_policy         = "DenyAll"
}

resource "azurerm_virtual_machine_data_disk_attachment" "data" {
  managed_disk_id    = azurerm_managed_disk.data.id
  virtual_machine_id = azurerm_linux_virtual_machine.this.id
  # bootstrap.sh waits for /dev/disk/azure/scsi1/lun0: the attachment may land after boot.
  lun     = 0
  caching = "ReadOnly"
}
