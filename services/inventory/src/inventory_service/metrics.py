"""The inventory's business metrics."""

from prometheus_client import CollectorRegistry, Counter, Gauge

from inventory_service.ports import StockRepository


class InventoryMetrics:
    def __init__(self, registry: CollectorRegistry, low_stock_threshold: int) -> None:
        self.reservations = Counter(
            "inventory_reservations",
            "Reservation requests answered, by result",
            ["result"],
            registry=registry,
        )
        self.low_stock_skus = Gauge(
            "inventory_low_stock_skus",
            f"SKUs with fewer than {low_stock_threshold} units in stock",
            registry=registry,
        )
        self._threshold = low_stock_threshold
        for result in ("reserved", "rejected", "refused_released", "released"):
            self.reservations.labels(result)

    async def refresh(self, stock: StockRepository) -> None:
        self.low_stock_skus.set(await stock.count_below(self._threshold))
