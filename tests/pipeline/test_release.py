"""The release (ci/release.sh), the signing of build images (ci/sign.sh) and the deploy's
signature check (ci/deploy.sh): as --dry-run where this machine cannot (no registry, no buildx,
no Fulcio or Rekor), against a stand-in cosign for the deploy's refusal, and for real where it
can (the SBOM of an image archive, by Trivy)."""

import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("product", "inventory", "order", "identity", "gateway")
PACKAGES = {
    "product": "product-service",
    "inventory": "inventory-service",
    "order": "order-service",
    "identity": "identity-service",
    "gateway": "web-gateway",
}
VERSION = (REPO / "VERSION").read_text().strip()
TRIVY = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "trivy"
CHANGELOG = f"""# Changelog

## [Unreleased]

### Added
- Not released yet.

## [{VERSION}] - 2026-12-01

### Added
- Signed multi-arch images.
- An SBOM per image.

## [0.0.9] - 2026-01-02

- Older.

[Unreleased]: https://example.invalid/compare/v{VERSION}...HEAD
[{VERSION}]: https://example.invalid/releases/tag/v{VERSION}
"""


def release_repo(tmp_path: Path, changelog: str | None = CHANGELOG) -> Path:
    """A copy of what ci/release.sh reads (ci/, VERSION), with `changelog` as CHANGELOG.md."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "ci", root / "ci")
    shutil.copy(REPO / "VERSION", root / "VERSION")
    if changelog is not None:
        (root / "CHANGELOG.md").write_text(changelog)
    return root


def script(
    root: Path, name: str, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(root / "ci" / name), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=root,
        env=os.environ
        | {"GIT_SHA": "abc123def456", "REGISTRY": "ghcr.io/acme", "GITHUB_REF_NAME": ""}
        | (env or {}),
    )


def commands(result: subprocess.CompletedProcess[str]) -> list[list[str]]:
    # Each printed command is quoted so that it can be pasted into a shell: read it as one.
    return [shlex.split(line[2:]) for line in result.stdout.splitlines() if line.startswith("+ ")]


def build_args(service: str) -> list[str]:
    lines = subprocess.run(
        ["bash", "-c", 'source ci/lib.sh && build_args_of "$1"', "build_args", service],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return lines


DIGEST = "sha256:" + "0" * 64


def test_release_dry_run_builds_both_archs_then_sboms_signs_attests_and_pushes_every_image(
    tmp_path: Path,
) -> None:
    root = release_repo(tmp_path)
    out = root / "reports" / "release" / f"v{VERSION}"

    result = script(root, "release.sh", "--tag", f"v{VERSION}", "--dry-run", "--publish", "github")

    assert result.returncode == 0, result.stderr
    expected: list[list[str]] = []
    for service in SERVICES:
        image = f"ghcr.io/acme/{service}"
        pinned = f"{image}@{DIGEST}"
        sbom = str(out / "sbom" / f"{service}.cdx.json")
        expected += [
            [
                *("docker", "buildx", "build", "--file", "deploy/images/Dockerfile"),
                *build_args(service),
                *("--build-arg", f"VERSION={VERSION}", "--build-arg", "REVISION=abc123def456"),
                *("--platform", "linux/amd64,linux/arm64", "--tag", f"{image}:{VERSION}"),
                *("--metadata-file", str(out / f"{service}.build.json"), "--push", "."),
            ],
            [
                *("trivy", "image", "--image-src", "remote", "--platform", "linux/amd64"),
                *("--format", "cyclonedx", "--output", sbom, pinned),
            ],
            ["cosign", "sign", "--yes", pinned],
            ["cosign", "attest", "--yes", "--type", "cyclonedx", "--predicate", sbom, pinned],
            ["cosign", "sign-blob", "--yes", "--bundle", f"{sbom}.bundle", sbom],
        ]
    assets = [
        str(out / "sbom" / f"{s}.cdx.json{suffix}") for s in SERVICES for suffix in ("", ".bundle")
    ]
    expected.append(
        [
            *("gh", "release", "create", f"v{VERSION}", "--verify-tag"),
            *("--title", f"shopstack {VERSION}", "--notes-file", str(out / "notes.md"), *assets),
        ]
    )
    assert commands(result) == expected


def test_release_notes_are_the_changelog_section_of_the_version(tmp_path: Path) -> None:
    root = release_repo(tmp_path)

    result = script(root, "release.sh", "--tag", f"v{VERSION}", "--dry-run")

    assert result.returncode == 0, result.stderr
    notes = (root / "reports" / "release" / f"v{VERSION}" / "notes.md").read_text()
    assert notes.strip() == "### Added\n- Signed multi-arch images.\n- An SBOM per image."


def test_jenkins_release_signs_and_attests_with_the_key_from_its_credentials(
    tmp_path: Path,
) -> None:
    root = release_repo(tmp_path)
    key = str(tmp_path / "cosign.key")

    result = script(
        root,
        "release.sh",
        "--tag",
        f"v{VERSION}",
        "--signing",
        "key",
        "--dry-run",
        env={"COSIGN_KEY": key, "COSIGN_PASSWORD": "generated-for-this-test"},
    )

    assert result.returncode == 0, result.stderr
    cosign_calls = [c for c in commands(result) if c[0] == "cosign"]
    assert len(cosign_calls) == 3 * len(SERVICES)
    assert all(c[2:5] == ["--yes", "--key", key] for c in cosign_calls), cosign_calls
    assert "generated-for-this-test" not in result.stdout + result.stderr
    assert not any(c[0] == "gh" for c in commands(result))


def test_release_with_buildah_pushes_one_manifest_list_of_both_archs(tmp_path: Path) -> None:
    root = release_repo(tmp_path)
    out = root / "reports" / "release" / f"v{VERSION}"

    result = script(root, "release.sh", "--tag", f"v{VERSION}", "--builder", "buildah", "--dry-run")

    assert result.returncode == 0, result.stderr
    ref = f"ghcr.io/acme/order:{VERSION}"
    assert [
        *("buildah", "build", "--file", "deploy/images/Dockerfile", *build_args("order")),
        *("--build-arg", f"VERSION={VERSION}", "--build-arg", "REVISION=abc123def456"),
        *("--platform", "linux/amd64,linux/arm64", "--manifest", ref, "."),
    ] in commands(result)
    assert [
        *("buildah", "manifest", "push", "--all", "--digestfile", str(out / "order.digest")),
        *(ref, f"docker://{ref}"),
    ] in commands(result)


@pytest.mark.parametrize("tag", ["v9.9.9", VERSION, f"v{VERSION}-rc1", ""])
def test_a_tag_other_than_v_version_is_refused_before_anything_runs(
    tmp_path: Path, tag: str
) -> None:
    root = release_repo(tmp_path)

    result = script(root, "release.sh", "--tag", tag, "--dry-run")

    assert result.returncode == 1
    assert commands(result) == []
    assert f"v{VERSION}" in result.stderr


@pytest.mark.parametrize(
    "changelog",
    [
        None,
        "# Changelog\n\n## [Unreleased]\n\n- Everything so far.\n",
        f"# Changelog\n\n## [{VERSION}]\n\n- No date.\n",
        f"# Changelog\n\n## [{VERSION}] - 2026-12-01\n\n## [0.0.9] - 2026-01-02\n\n- Older.\n",
        f"# Changelog\n\n## [{VERSION}0] - 2026-12-01\n\n- Another version.\n",
    ],
    ids=["no-changelog", "only-unreleased", "no-date", "empty-section", "other-version"],
)
def test_a_version_without_its_changelog_section_is_refused(
    tmp_path: Path, changelog: str | None
) -> None:
    root = release_repo(tmp_path, changelog)

    result = script(root, "release.sh", "--tag", f"v{VERSION}", "--dry-run")

    assert result.returncode == 1
    assert commands(result) == []
    assert "CHANGELOG.md" in result.stderr


def test_the_repositorys_version_has_its_changelog_section_so_its_tag_releases(
    tmp_path: Path,
) -> None:
    result = script(
        REPO, "release.sh", "--tag", f"v{VERSION}", "--dry-run", env={"REPORTS_DIR": str(tmp_path)}
    )

    assert result.returncode == 0, result.stderr


def test_every_package_version_is_the_version_file() -> None:
    manifests = [
        REPO / "pyproject.toml",
        *REPO.glob("*/*/pyproject.toml"),
        REPO / "web" / "pyproject.toml",
    ]

    versions = {
        str(path.relative_to(REPO)): tomllib.loads(path.read_text())["project"]["version"]
        for path in set(manifests)
    }

    assert len(versions) >= 8
    assert set(versions.values()) == {VERSION}, versions
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)


def test_build_images_are_signed_by_the_digest_the_registry_holds(tmp_path: Path) -> None:
    result = script(
        REPO, "sign.sh", "--signing", "keyless", "--dry-run", env={"BUILD_NUMBER": "42"}
    )

    assert result.returncode == 0, result.stderr
    assert commands(result) == [
        ["cosign", "sign", "--yes", f"ghcr.io/acme/{service}@{DIGEST}"] for service in SERVICES
    ]


def test_signing_with_a_key_refuses_to_run_without_one() -> None:
    result = script(REPO, "sign.sh", "--signing", "key", env={"COSIGN_KEY": ""})

    assert result.returncode == 1
    assert "--signing key needs COSIGN_KEY" in result.stderr


@pytest.fixture
def k8s(tmp_path: Path) -> Path:
    """A copy of deploy/k8s with its secrets' .env files made from their examples."""
    copy = tmp_path / "k8s"
    shutil.copytree(REPO / "deploy" / "k8s", copy)
    for example in copy.glob("overlays/*/secrets/*.env.example"):
        shutil.copy(example, example.with_suffix(""))
    return copy


@pytest.fixture
def stand_in_kubectl(tmp_path: Path) -> Path:
    """kubectl renders for real (kustomize) and records every other call, as a cluster that
    rolls everything out would."""
    bin_dir = tmp_path / "kubectl-bin"
    bin_dir.mkdir()
    kubectl = bin_dir / "kubectl"
    kubectl.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "kubectl $*" >> {bin_dir / "calls.log"}\n'
        'if [[ "$1" == kustomize ]]; then\n'
        '  exec /usr/lib/google-cloud-sdk/bin/kubectl.1.29 "$@"\n'
        "fi\n"
    )
    kubectl.chmod(0o755)
    return bin_dir


def deploy(k8s: Path, tools: list[Path], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([*map(str, tools), os.environ["PATH"]])
    return script(
        REPO,
        "deploy.sh",
        "--overlay",
        "microk8s",
        "--tag",
        "42",
        env={"PATH": path, "K8S_DIR": str(k8s), "REGISTRY": "localhost:32000"} | env,
    )


def signed_digest(image: str) -> str:
    """The digest the stand-in cosign answers as verified for `image`."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def test_deploy_refuses_an_image_whose_signature_does_not_verify(
    k8s: Path, stand_in_kubectl: Path, stand_in_cosign: Path, tmp_path: Path
) -> None:
    public_key = str(tmp_path / "cosign.pub")

    result = deploy(
        k8s,
        [stand_in_kubectl, stand_in_cosign],
        {"COSIGN_PUBLIC_KEY": public_key, "COSIGN_REFUSE": "order"},
    )

    assert result.returncode == 1
    assert (
        "the signature of localhost:32000/order:42 does not verify: nothing applied"
        in result.stderr
    )
    kubectl_calls = (
        (stand_in_kubectl / "calls.log").read_text()
        if (stand_in_kubectl / "calls.log").exists()
        else ""
    )
    assert "apply" not in kubectl_calls
    assert "rollout" not in kubectl_calls
    verified = (stand_in_cosign / "calls.log").read_text().splitlines()
    assert verified[-1] == f"cosign verify --key {public_key} localhost:32000/order:42"


def test_deploy_applies_the_digests_it_verified_with_the_release_key(
    k8s: Path, stand_in_kubectl: Path, stand_in_cosign: Path, tmp_path: Path
) -> None:
    public_key = str(tmp_path / "cosign.pub")

    result = deploy(k8s, [stand_in_kubectl, stand_in_cosign], {"COSIGN_PUBLIC_KEY": public_key})

    assert result.returncode == 0, result.stderr
    assert (stand_in_cosign / "calls.log").read_text().splitlines() == [
        f"cosign verify --key {public_key} localhost:32000/{service}:42" for service in SERVICES
    ]
    for service in SERVICES:
        image = f"localhost:32000/{service}"
        assert f"image: {image}:42@{signed_digest(image)}" in result.stdout
    assert "kubectl apply --namespace shopstack -f" in (stand_in_kubectl / "calls.log").read_text()


def test_deploy_verifies_keyless_signatures_of_this_repositorys_workflows(
    k8s: Path, stand_in_kubectl: Path, stand_in_cosign: Path
) -> None:
    result = deploy(
        k8s,
        [stand_in_kubectl, stand_in_cosign],
        {"GITHUB_REPOSITORY": "acme/shop.stack", "COSIGN_PUBLIC_KEY": ""},
    )

    assert result.returncode == 0, result.stderr
    first = (stand_in_cosign / "calls.log").read_text().splitlines()[0]
    identity = (
        r"^https://github\.com/acme/shop\.stack/\.github/workflows/"
        r"(ci\.yml@refs/heads/main|release\.yml@refs/tags/v.+)$"
    )
    assert first == (
        f"cosign verify --certificate-identity-regexp {identity} "
        "--certificate-oidc-issuer https://token.actions.githubusercontent.com "
        "localhost:32000/product:42"
    )
    assert re.match(
        identity,
        "https://github.com/acme/shop.stack/.github/workflows/release.yml@refs/tags/v0.1.0",
    )
    assert not re.match(
        identity,
        "https://github.com/acme/shopXstack/.github/workflows/release.yml@refs/tags/v0.1.0",
    )
    assert not re.match(
        identity, "https://github.com/acme/shop.stack/.github/workflows/ci.yml@refs/heads/feature"
    )


def test_deploy_without_a_signature_policy_applies_nothing(
    k8s: Path, stand_in_kubectl: Path, stand_in_cosign: Path
) -> None:
    result = deploy(
        k8s,
        [stand_in_kubectl, stand_in_cosign],
        {
            "GITHUB_REPOSITORY": "",
            "COSIGN_PUBLIC_KEY": "",
            "COSIGN_CERTIFICATE_IDENTITY_REGEXP": "",
        },
    )

    assert result.returncode == 1
    assert "no signature policy" in result.stderr
    assert not (stand_in_kubectl / "calls.log").exists()
    assert not (stand_in_cosign / "calls.log").exists()


def image_archive(path: Path, packages: dict[str, str]) -> None:
    """A docker-archive image whose one layer holds a venv with these packages' metadata."""

    def add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as archive:
        add(archive, "etc/os-release", b'ID=debian\nVERSION_ID="12"\n')
        for name, version in packages.items():
            metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
            site = "opt/venv/lib/python3.11/site-packages"
            add(archive, f"{site}/{name.replace('-', '_')}-{version}.dist-info/METADATA", metadata)
    diff_id = "sha256:" + hashlib.sha256(layer.getvalue()).hexdigest()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "test"}],
        }
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["shopstack/test:1"], "Layers": ["layer.tar"]}]
    with tarfile.open(path, "w") as archive:
        add(archive, config_name, config)
        add(archive, "layer.tar", layer.getvalue())
        add(archive, "manifest.json", json.dumps(manifest).encode())


def test_the_scan_stage_writes_a_cyclonedx_sbom_per_image_archive_for_real(tmp_path: Path) -> None:
    archives = tmp_path / "archives"
    archives.mkdir()
    for service in SERVICES:
        image_archive(
            archives / f"{service}.tar", {PACKAGES[service]: VERSION, "fastapi": "0.165.0"}
        )
    sboms = tmp_path / "sbom"

    result = script(
        REPO,
        "scan.sh",
        "--archives",
        str(archives),
        env={
            "TRIVY": str(TRIVY),
            "TRIVY_OFFLINE": "true",
            "REPORTS_DIR": str(tmp_path / "reports"),
            "SBOM_DIR": str(sboms),
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    for service in SERVICES:
        sbom = json.loads((sboms / f"{service}.cdx.json").read_text())
        assert sbom["bomFormat"] == "CycloneDX"
        purls = {c.get("purl") for c in sbom["components"]}
        assert f"pkg:pypi/{PACKAGES[service]}@{VERSION}" in purls, purls
        assert "pkg:pypi/fastapi@0.165.0" in purls
