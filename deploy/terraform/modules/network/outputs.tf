output "vnet_id" {
  description = "The VNet's id."
  value       = azurerm_virtual_network.this.id
}

output "subnet_id" {
  description = "The subnet's id (the VM's NIC, or AKS' node pool)."
  value       = azurerm_subnet.this.id
}

output "network_security_group_id" {
  description = "The subnet's NSG."
  value       = azurerm_network_security_group.this.id
}
