"""The inventory's business metrics: reservation outcomes and low-stock SKUs, for Prometheus."""

from prometheus_client import CollectorRegistry, Counter, Gauge

from inventory_service.domain import Reservation, ReservationStatus
from inventory_service.ports import StockRepository


class InventoryMetrics:
    """Counts reservation requests by result (the ReservationOutcomes port, for the use
    cases) and gauges the SKUs low in stock before each scrape."""

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
        # Every result exists from the start (a rate needs its zero), looked up once.
        self._reservation_results = {
            ReservationStatus.RESERVED: self.reservations.labels("reserved"),
            ReservationStatus.REJECTED: self.reservations.labels("rejected"),
            ReservationStatus.RELEASED: self.reservations.labels("refused_released"),
        }
        self._releases = self.reservations.labels("released")

    def reservation_answered(self, reservation: Reservation) -> None:
        self._reservation_results[reservation.status].inc()

    def release_answered(self, reservation: Reservation) -> None:
        self._releases.inc()

    async def refresh(self, stock: StockRepository) -> None:
        self.low_stock_skus.set(await stock.count_below(self._threshold))
