"""ci/k8s-secrets.sh (make k8s-secrets): a fresh clone renders every overlay after it, with a
distinct random value for every credential, and a second run changes nothing.

The convention it reads, documented in each secrets/*.env.example: an empty value is generated,
any other value (a user name) is copied as it is.
"""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .loadgen import kustomize
from .paths import K8S, K8S_SECRETS

EVERY_OVERLAY = sorted(p.name for p in (K8S / "overlays").iterdir() if p.is_dir())


def make_secrets(overlay: Path) -> str:
    result = subprocess.run(
        ["bash", str(K8S_SECRETS), str(overlay)], capture_output=True, text=True, check=True
    )
    return result.stdout


def assignments(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    """deploy/k8s as a clone has it: no secrets/*.env file."""
    root = tmp_path / "k8s"
    shutil.copytree(K8S, root, ignore=shutil.ignore_patterns("*.env"))
    return root


def test_every_overlay_renders_on_a_fresh_clone_after_the_script(fresh_clone: Path) -> None:
    for overlay in EVERY_OVERLAY:
        make_secrets(fresh_clone / "overlays" / overlay)
        objects = kustomize(fresh_clone / "overlays" / overlay)
        assert [o for o in objects if o["kind"] == "Secret"], overlay


def test_every_example_gets_its_file_with_a_distinct_random_value_per_empty_key(
    fresh_clone: Path,
) -> None:
    for overlay in ("microk8s", "aks"):
        make_secrets(fresh_clone / "overlays" / overlay)
    examples = sorted(fresh_clone.glob("overlays/*/secrets/*.env.example"))
    assert examples
    generated: list[str] = []
    for example in examples:
        made = example.with_suffix("")
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made
        given, values = assignments(example), assignments(made)
        assert list(values) == list(given), made
        for key, value in given.items():
            if value:
                # Not secret (a user name): copied.
                assert values[key] == value, (made, key)
            else:
                assert len(values[key]) == 64, (made, key)
                int(values[key], 16)  # hex: safe inside a connection URL
                generated.append(values[key])
        # The comments stay: the file documents itself as its example does.
        assert made.read_text().count("#") == example.read_text().count("#")
    assert len(generated) == len(set(generated))


def test_a_second_run_changes_nothing(fresh_clone: Path) -> None:
    overlay = fresh_clone / "overlays" / "microk8s"
    make_secrets(overlay)
    before = {p: p.read_bytes() for p in overlay.glob("secrets/*.env")}

    out = make_secrets(overlay)

    assert {p: p.read_bytes() for p in overlay.glob("secrets/*.env")} == before
    assert "created" not in out
    assert out.count("kept ") == len(before)


def test_an_existing_file_is_kept_and_only_gets_the_keys_it_lacks(fresh_clone: Path) -> None:
    overlay = fresh_clone / "overlays" / "aks"
    mysql = overlay / "secrets" / "mysql.env"
    # An operator's file from before the backup user existed, with their own root password.
    mysql.write_text("MARIADB_ROOT_PASSWORD=operators-own\nINVENTORY_DB_PASSWORD=x\n")

    out = make_secrets(overlay)

    values = assignments(mysql)
    assert values["MARIADB_ROOT_PASSWORD"] == "operators-own"
    assert values["INVENTORY_DB_PASSWORD"] == "x"
    assert len(values["BACKUP_DB_PASSWORD"]) == 64
    assert "added ORDER_DB_PASSWORD IDENTITY_DB_PASSWORD MYSQL_EXPORTER_PASSWORD" in out
    assert stat.S_IMODE(mysql.stat().st_mode) == 0o600


def test_an_overlay_built_on_another_gets_the_other_ones_files(fresh_clone: Path) -> None:
    out = make_secrets(fresh_clone / "overlays" / "microk8s-load")

    assert sorted(p.name for p in (fresh_clone / "overlays/microk8s/secrets").glob("*.env")) == [
        "identity.env",
        "mongodb.env",
        "mysql.env",
        "redis.env",
    ]
    assert out.count("created ") >= 4


def test_an_unknown_overlay_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(K8S_SECRETS), str(tmp_path / "nothing-here")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "no overlay at" in result.stderr
