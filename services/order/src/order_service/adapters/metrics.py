"""Where orders end up, as Prometheus counters."""

from prometheus_client import CollectorRegistry, Counter

from order_service.domain import Order, OrderStatus

OUTCOMES = (
    OrderStatus.CONFIRMED,
    OrderStatus.REJECTED,
    OrderStatus.FAILED,
    OrderStatus.CANCELLED,
)


class PrometheusOrderOutcomes:
    """Counts settled orders: the OrderOutcomes port, for the service layer."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.placed = Counter(
            "orders_placed",
            "Orders that reached a final state, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.recovered = Counter(
            "orders_recovered",
            "Orders a crash left PENDING that the recovery loop settled, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.value = Counter(
            "order_value", "Sum of the totals of confirmed orders", registry=registry
        )
        for outcome in OUTCOMES:
            self.placed.labels(outcome.lower())
            self.recovered.labels(outcome.lower())

    def settled(self, order: Order, *, by_recovery: bool = False) -> None:
        outcome = order.status.lower()
        self.placed.labels(outcome).inc()
        if by_recovery:
            self.recovered.labels(outcome).inc()
        if order.status is OrderStatus.CONFIRMED:
            self.value.inc(float(order.total))
