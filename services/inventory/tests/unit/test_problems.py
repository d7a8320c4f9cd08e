"""The problem catalogue: what each refusal is answered with, member for member."""

from typing import Any

from inventory_service.api.problems import PROBLEMS
from inventory_service.domain import (
    InsufficientStockError,
    Reservation,
    ReservationItem,
    ReservationNotFoundError,
    ReservationReleasedError,
    ReservationStatus,
    Shortage,
)
from shopkit.errors import Problem

ORDER = "00000000-0000-4000-a000-000000000001"


def answer_to(error: Exception) -> Problem:
    (problem_type,) = (p for p in PROBLEMS if p.error is type(error))
    return problem_type.problem(error)


def members(problem: Problem) -> list[tuple[str, Any]]:
    """The problem's members in the order they are sent."""
    head = {"status": problem.status, "slug": problem.slug, "title": problem.title}
    return [*head.items(), ("detail", problem.detail), *problem.extensions.items()]


def test_short_stock_is_a_409_naming_each_short_sku_with_what_was_asked_and_available() -> None:
    rejected = Reservation(
        ORDER,
        ReservationStatus.REJECTED,
        (ReservationItem("a", 1), ReservationItem("b", 3), ReservationItem("c", 1)),
        (Shortage("b", 3, 1), Shortage("c", 1, 0)),
    )

    assert members(answer_to(InsufficientStockError(rejected))) == [
        ("status", 409),
        ("slug", "insufficient-stock"),
        ("title", "Insufficient stock"),
        ("detail", "Not enough stock for: b, c. Nothing was reserved."),
        ("orderNumber", ORDER),
        (
            "shortages",
            [
                {"skuCode": "b", "requested": 3, "available": 1},
                {"skuCode": "c", "requested": 1, "available": 0},
            ],
        ),
    ]


def test_a_reservation_after_its_release_is_a_409_naming_the_order() -> None:
    released = Reservation(ORDER, ReservationStatus.RELEASED, ())

    assert members(answer_to(ReservationReleasedError(released))) == [
        ("status", 409),
        ("slug", "reservation-released"),
        ("title", "Reservation released"),
        ("detail", f"Order {ORDER} was released; it can no longer take stock."),
        ("orderNumber", ORDER),
    ]


def test_an_unknown_reservation_is_a_404() -> None:
    assert members(answer_to(ReservationNotFoundError(ORDER))) == [
        ("status", 404),
        ("slug", "reservation-not-found"),
        ("title", "Reservation not found"),
        ("detail", f"No reservation for order {ORDER}."),
    ]
