output "public_ip" {
  description = "The VM's public address (the shop on 80/443, SSH on 22 from ssh_source_cidr)."
  value       = azurerm_public_ip.this.ip_address
}

output "shop_url" {
  description = "The shop, once cloud-init has finished (self-signed certificate: see docs/deploy.md)."
  value       = "https://${local.shop_host}/"
}

output "issuer_url" {
  description = "The identity service: the issuer of every token, where browsers sign in."
  value       = "https://id.${local.shop_host}"
}

output "ssh_command" {
  description = "SSH to the VM as the administrator."
  value       = "ssh ${var.admin_username}@${azurerm_public_ip.this.ip_address}"
}

output "bootstrap_log_command" {
  description = "Follow cloud-init's bootstrap (MicroK8s, images, overlay) until it says done."
  value       = "ssh ${var.admin_username}@${azurerm_public_ip.this.ip_address} sudo tail -f /var/log/shopstack-bootstrap.log"
}

output "kubeconfig_command" {
  description = "A kubeconfig for this cluster, reached through an SSH tunnel (16443 is not open to anyone): run it, then keep `ssh -N -L 16443:127.0.0.1:16443 ...` running."
  value       = "ssh ${var.admin_username}@${azurerm_public_ip.this.ip_address} microk8s config | sed 's#server: https://.*:16443#server: https://127.0.0.1:16443#' > kubeconfig-shopstack && ssh -N -f -L 16443:127.0.0.1:16443 ${var.admin_username}@${azurerm_public_ip.this.ip_address}"
}

output "resource_group_name" {
  description = "The resource group holding everything this root made."
  value       = azurerm_resource_group.this.name
}
