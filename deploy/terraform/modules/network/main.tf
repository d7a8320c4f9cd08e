# One VNet with one subnet behind one NSG. Inbound: the web (80 and 443) from anywhere, SSH
# only from one given range, and nothing else but Azure's defaults (the VNet itself and the
# load balancer's probes); everything else hits the default DenyAllInBound.

resource "azurerm_virtual_network" "this" {
  name                = "${var.name}-vnet"
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = var.address_space
  tags                = var.tags
}

resource "azurerm_subnet" "this" {
  name                 = "${var.name}-subnet"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.subnet_prefix]
  # Key Vault and Storage are reached from the subnet through their service endpoints, so
  # their firewalls can admit the subnet instead of public addresses.
  service_endpoints = ["Microsoft.KeyVault", "Microsoft.Storage"]
}

resource "azurerm_network_security_group" "this" {
  name                = "${var.name}-nsg"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# The shop is public: 80 and 443, and only they, are open to the world (tests/deploy/test_terraform.py).
#trivy:ignore:AZU-0047 the shop's 80/443 are public by design; every other port is closed to the Internet
resource "azurerm_network_security_rule" "web" {
  #checkov:skip=CKV_AZURE_160:80 must be open to the Internet: Let's Encrypt's HTTP-01 challenge and the ingress' redirect to https use it; nothing is served on plain http
  name                        = "allow-web-from-internet"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.this.name
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["80", "443"]
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}

resource "azurerm_network_security_rule" "ssh" {
  count = var.ssh_source_cidr == null ? 0 : 1

  name                        = "allow-ssh-from-admin-range"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.this.name
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = var.ssh_source_cidr
  destination_address_prefix  = var.subnet_prefix
}

resource "azurerm_subnet_network_security_group_association" "this" {
  subnet_id                 = azurerm_subnet.this.id
  network_security_group_id = azurerm_network_security_group.this.id
}
