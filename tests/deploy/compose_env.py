"""The compose stack's .env as a user makes it: .env.example copied, each client secret
(committed without a value) generated into it, as the example's comments say."""

import re
import secrets
from pathlib import Path

from .paths import REPO

COMPOSE = REPO / "deploy" / "compose" / "compose.yaml"
ENV_EXAMPLE = COMPOSE.parent / ".env.example"
# The variables .env.example leaves empty for the user to generate.
GENERATED = ("ORDER_SERVICE_CLIENT_SECRET", "SMOKE_CLIENT_SECRET")


def env_file(folder: Path) -> Path:
    """`folder`/.env: the example with every client secret generated (64 random characters of
    `openssl rand -base64 48`'s alphabet, +, / and = included)."""
    text = ENV_EXAMPLE.read_text()
    for name in GENERATED:
        value = secrets.token_urlsafe(48).replace("-", "+").replace("_", "/")
        text, count = re.subn(rf"^{name}=$", f"{name}={value}", text, flags=re.MULTILINE)
        assert count == 1, f"{name} is not in .env.example without a value"
    path = folder / ".env"
    path.write_text(text)
    return path
