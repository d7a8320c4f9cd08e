"""The embedded SQLite default under concurrent writes: every create is answered 201 or 409,
never a 500 "database is locked"."""

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from product_service.config import Settings
from product_service.main import create_app
from shopkit.auth import AuthSettings
from testkit.live_server import serve_in_thread

CONCURRENT_CREATES = 120
DISTINCT_SKUS = 12


@pytest.fixture
def sqlite_product_api(tmp_path: Path, auth_settings: AuthSettings) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path}/product.db"
    with serve_in_thread(create_app(Settings(database_url=url, auth=auth_settings))) as base_url:
        yield base_url


async def test_concurrent_creates_on_sqlite_answer_only_created_or_duplicate(
    sqlite_product_api: str, admin_headers: dict[str, str]
) -> None:
    prefix = f"sku-{secrets.token_hex(4)}"
    skus = [f"{prefix}-{i % DISTINCT_SKUS}" for i in range(CONCURRENT_CREATES)]
    # Half duplicates of a few SKUs, half derived from names (each derived SKU is new).
    bodies = [
        {"name": f"Mug {i}", "description": "Stoneware", "price": 12.5}
        | ({"skuCode": sku} if i % 2 else {})
        for i, sku in enumerate(skus)
    ]
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base_url=sqlite_product_api, headers=admin_headers, timeout=timeout
    ) as admin:

        async def create(body: dict[str, object]) -> int:
            async with admin.post("/api/product/create", json=body) as response:
                await response.read()
                return response.status

        statuses = Counter(await asyncio.gather(*(create(body) for body in bodies)))

    given = {sku for i, sku in enumerate(skus) if i % 2}
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] == CONCURRENT_CREATES // 2 + len(given)
