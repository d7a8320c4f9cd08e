"""The catalog's metrics: its size, and the MongoDB driver's connection pool."""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pymongo import monitoring

from product_service.ports import ProductRepository


class CatalogMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.products = Gauge("catalog_products", "Products in the catalog", registry=registry)

    async def refresh(self, products: ProductRepository) -> None:
        self.products.set(await products.count())


class MongoPoolMetrics(monitoring.ConnectionPoolListener, Collector):
    """Counts the driver's pool events into Micrometer's MongoDB pool metric names."""

    def __init__(self) -> None:
        self.open = 0
        self.checked_out = 0

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        self.open += 1

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        self.open -= 1

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        self.checked_out += 1

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        self.checked_out -= 1

    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None: ...
    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None: ...
    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None: ...
    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None: ...
    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None: ...
    def connection_check_out_started(
        self, event: monitoring.ConnectionCheckOutStartedEvent
    ) -> None: ...
    def connection_check_out_failed(
        self, event: monitoring.ConnectionCheckOutFailedEvent
    ) -> None: ...

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "mongodb_driver_pool_size", "Open connections to MongoDB", value=self.open
        )
        yield GaugeMetricFamily(
            "mongodb_driver_pool_checkedout",
            "Connections to MongoDB in use",
            value=self.checked_out,
        )
