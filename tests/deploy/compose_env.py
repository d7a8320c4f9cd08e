"""The compose stack's .env as a user makes it: .env.example copied, each credential it
commits without a value generated into it, as the example's comments say."""

import re
import secrets
from collections.abc import Callable
from pathlib import Path

from .paths import REPO

COMPOSE = REPO / "deploy" / "compose" / "compose.yaml"
# The override that points every service at Keycloak (with the profile `keycloak`).
KEYCLOAK_OVERRIDE = COMPOSE.parent / "compose.keycloak.yaml"
ENV_EXAMPLE = COMPOSE.parent / ".env.example"


def _base64_48() -> str:
    """64 random characters of `openssl rand -base64 48`'s alphabet, +, / and = included."""
    return secrets.token_urlsafe(48).replace("-", "+").replace("_", "/")


def _hex_32() -> str:
    """`openssl rand -hex 32`: for a password that travels inside a URL."""
    return secrets.token_hex(32)


# The variables .env.example leaves empty for the user to generate, each as its comment says.
GENERATORS: dict[str, Callable[[], str]] = {
    "ORDER_SERVICE_CLIENT_SECRET": _base64_48,
    "SMOKE_CLIENT_SECRET": _base64_48,
    "STOREFRONT_CLIENT_SECRET": _base64_48,
    "REDIS_PASSWORD": _hex_32,
    "KEYCLOAK_ADMIN_PASSWORD": _hex_32,
}
GENERATED = tuple(GENERATORS)
CLIENT_SECRETS = ("ORDER_SERVICE_CLIENT_SECRET", "SMOKE_CLIENT_SECRET", "STOREFRONT_CLIENT_SECRET")


def env_file(folder: Path) -> Path:
    """`folder`/.env: the example with every empty credential generated."""
    text = ENV_EXAMPLE.read_text()
    for name, generate in GENERATORS.items():
        value = generate()
        text, count = re.subn(rf"^{name}=$", f"{name}={value}", text, flags=re.MULTILINE)
        assert count == 1, f"{name} is not in .env.example without a value"
    path = folder / ".env"
    path.write_text(text)
    return path
