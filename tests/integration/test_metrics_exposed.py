"""What each running service exposes at /actuator/prometheus, checked by Prometheus's own
parser and promtool, and counted exactly."""

from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from testkit.promtool import check_metrics

from .platform import Shop

COMMON = {
    "http_server_requests_seconds",
    "db_up",
    "hikaricp_connections_active",
    "hikaricp_connections_idle",
    "hikaricp_connections_max",
    "application_info",
    "process_resident_memory_bytes",
    "process_cpu_seconds",
    "python_gc_objects_collected",
    "python_info",
}
EXPECTED = {
    "product": COMMON | {"catalog_products"},
    "inventory": COMMON | {"inventory_reservations", "inventory_low_stock_skus"},
    "order": COMMON
    | {"http_client_requests_seconds", "orders_placed", "orders_recovered", "order_value"},
}


async def scrape(shop: Shop, service: str) -> str:
    # Health first: it refreshes db_up.
    async with shop.http.get(shop.url(service, "/actuator/health")) as response:
        assert response.status == 200
    async with shop.http.get(shop.url(service, "/actuator/prometheus")) as response:
        assert response.status == 200
        return await response.text()


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def total(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return sum(
        value
        for (sample_name, sample_labels), value in found.items()
        if sample_name == name and set(labels.items()) <= sample_labels
    )


async def test_every_named_metric_is_exposed_and_passes_promtool(shop: Shop) -> None:
    sku = await shop.new_product(stock=3)
    await shop.order([(sku, 1)])

    for service, names in EXPECTED.items():
        exposition = await scrape(shop, service)
        families = {family.name for family in text_string_to_metric_families(exposition)}
        assert names <= families, f"{service} lacks {sorted(names - families)}"
        check_metrics(exposition)


async def test_order_outcomes_and_reservations_are_counted_exactly(shop: Shop) -> None:
    before = {service: samples(await scrape(shop, service)) for service in ("order", "inventory")}
    sku = await shop.new_product(stock=3, price="2.50")

    answers = [await shop.order([(sku, 1)], price="2.50") for _ in range(5)]
    _, first = answers[0]
    await shop.cancel(first["orderNumber"])

    after = {service: samples(await scrape(shop, service)) for service in ("order", "inventory")}

    def delta(service: str, name: str, **labels: str) -> float:
        return total(after[service], name, **labels) - total(before[service], name, **labels)

    assert Counter(status for status, _ in answers) == {201: 3, 409: 2}
    assert delta("order", "orders_placed_total", outcome="confirmed") == 3
    assert delta("order", "orders_placed_total", outcome="rejected") == 2
    assert delta("order", "orders_placed_total", outcome="cancelled") == 1
    assert delta("order", "order_value_total") == 7.5
    assert (
        delta("order", "http_server_requests_seconds_count", uri="/api/order/create", status="201")
        == 3
    )
    assert (
        delta("order", "http_server_requests_seconds_count", uri="/api/order/create", status="409")
        == 2
    )
    assert (
        delta(
            "order",
            "http_client_requests_seconds_count",
            client_name="inventory",
            uri="/api/inventory/reservations",
        )
        == 5
    )
    assert delta("inventory", "inventory_reservations_total", result="reserved") == 3
    assert delta("inventory", "inventory_reservations_total", result="rejected") == 2
    assert delta("inventory", "inventory_reservations_total", result="released") == 1
