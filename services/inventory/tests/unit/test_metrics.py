"""The Prometheus outcomes adapter: one count per request, by result."""

from prometheus_client import CollectorRegistry

from inventory_service.adapters.metrics import InventoryMetrics
from inventory_service.domain import Reservation, ReservationStatus

from ..conftest import FakeStockRepository

RESULTS = ("reserved", "rejected", "refused_released", "released")


def counts(registry: CollectorRegistry) -> dict[str, float | None]:
    return {
        result: registry.get_sample_value("inventory_reservations_total", {"result": result})
        for result in RESULTS
    }


def ending_as(status: ReservationStatus) -> Reservation:
    return Reservation("00000000-0000-4000-a000-000000000001", status, ())


def test_every_result_is_counted_from_zero_before_any_request() -> None:
    registry = CollectorRegistry()
    InventoryMetrics(registry, low_stock_threshold=5)

    assert counts(registry) == dict.fromkeys(RESULTS, 0.0)


def test_each_reservation_request_counts_once_under_what_it_ended_as() -> None:
    registry = CollectorRegistry()
    metrics = InventoryMetrics(registry, low_stock_threshold=5)

    for status in (
        ReservationStatus.RESERVED,
        ReservationStatus.RESERVED,
        ReservationStatus.REJECTED,
        ReservationStatus.RELEASED,
    ):
        metrics.reservation_answered(ending_as(status))

    assert counts(registry) == {
        "reserved": 2.0,
        "rejected": 1.0,
        "refused_released": 1.0,
        "released": 0.0,
    }


def test_each_release_request_counts_as_released_whatever_the_reservation_ended_as() -> None:
    registry = CollectorRegistry()
    metrics = InventoryMetrics(registry, low_stock_threshold=5)

    for status in ReservationStatus:
        metrics.release_answered(ending_as(status))

    assert counts(registry)["released"] == 3.0
    assert counts(registry)["reserved"] == 0.0


async def test_low_stock_skus_are_read_from_the_store_on_refresh() -> None:
    registry = CollectorRegistry()
    metrics = InventoryMetrics(registry, low_stock_threshold=5)
    stock = FakeStockRepository()
    stock.levels = {"a": 0, "b": 4, "c": 5}

    await metrics.refresh(stock)

    assert registry.get_sample_value("inventory_low_stock_skus") == 2.0
