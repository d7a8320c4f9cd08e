"""With its database unreachable, a service reports DOWN but stays alive."""

from collections.abc import Callable
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from inventory_service.config import Settings
from inventory_service.main import create_app
from testkit.live_server import serve_in_thread
from testkit.tcp_proxy import tcp_proxy


async def get(http: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
    async with http.get(path) as response:
        if path.endswith("prometheus"):
            return response.status, await response.text()
        return response.status, await response.json()


def db_up(exposition: str) -> float:
    return next(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "db_up"
    )


async def test_a_lost_database_turns_health_down_liveness_up_and_db_up_zero(
    mariadb_database_factory: Callable[[str], str],
) -> None:
    real = make_url(mariadb_database_factory("db_down"))
    with tcp_proxy(real.host or "127.0.0.1", real.port or 3306) as proxy:
        through_proxy = real.set(port=proxy.port).render_as_string(hide_password=False)
        app = create_app(Settings(database_url=through_proxy))
        with serve_in_thread(app) as base_url:
            async with aiohttp.ClientSession(base_url=base_url) as http:
                assert (await get(http, "/actuator/health"))[0] == 200

                proxy.cut()
                health = await get(http, "/actuator/health")
                readiness = await get(http, "/actuator/health/readiness")
                liveness = await get(http, "/actuator/health/liveness")
                _, exposition = await get(http, "/actuator/prometheus")

                assert health == (503, {"status": "DOWN", "components": {"db": {"status": "DOWN"}}})
                assert readiness[0] == 503
                assert liveness == (200, {"status": "UP"})
                assert db_up(exposition) == 0

                proxy.restore()
                health = await get(http, "/actuator/health")
                _, exposition = await get(http, "/actuator/prometheus")

                assert health[0] == 200
                assert db_up(exposition) == 1
