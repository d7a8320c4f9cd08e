"""The reference system's lines may omit their price: the catalog's applies."""

import hashlib
from decimal import Decimal

import pytest

from order_service import service
from order_service.domain import (
    IdempotencyKeyReusedError,
    OrderLine,
    PriceChange,
    PriceChangedError,
    RequestedLine,
    UnknownSkusError,
    fingerprint,
    merge_lines,
)
from order_service.service import Ordering

from .conftest import ALICE, FakeCatalog, FakeOrders, placed

MUG = Decimal("12.50")
TEA = Decimal("4.99")


async def test_a_line_without_a_price_is_charged_the_catalog_price(
    ordering: Ordering, orders: FakeOrders
) -> None:
    order = await placed(ordering, ALICE, [RequestedLine("mug", 2), RequestedLine("tea", 1, TEA)])

    assert order.lines == (OrderLine("mug", 2, MUG), OrderLine("tea", 1, TEA))
    assert order.total == Decimal("29.99")
    assert await orders.get(order.order_number) == order


async def test_a_given_price_that_differs_is_still_refused_beside_an_unpriced_line(
    ordering: Ordering, orders: FakeOrders
) -> None:
    with pytest.raises(PriceChangedError) as refused:
        await service.place_order(
            ordering, ALICE, [RequestedLine("mug", 1), RequestedLine("tea", 1, Decimal("5.99"))]
        )

    assert refused.value.changes == [PriceChange("tea", Decimal("5.99"), TEA)]
    assert orders.by_number == {}


async def test_an_unpriced_line_of_an_unknown_sku_is_refused(ordering: Ordering) -> None:
    with pytest.raises(UnknownSkusError) as refused:
        await service.place_order(ordering, ALICE, [RequestedLine("ghost", 1)])

    assert refused.value.sku_codes == ["ghost"]


async def test_unpriced_lines_at_remembered_prices_ask_the_catalog_once(
    ordering: Ordering, catalog: FakeCatalog
) -> None:
    await service.place_order(ordering, ALICE, [RequestedLine("mug", 1)])

    assert catalog.lookups == 1


def test_a_priced_and_an_unpriced_line_of_one_sku_do_not_merge() -> None:
    with pytest.raises(ValueError, match="two prices for mug"):
        merge_lines([RequestedLine("mug", 1), RequestedLine("mug", 1, MUG)])


def test_the_fingerprint_tells_an_unpriced_line_from_a_priced_one() -> None:
    assert fingerprint([RequestedLine("mug", 1)]) != fingerprint([RequestedLine("mug", 1, MUG)])


def test_the_fingerprint_of_unpriced_lines_ignores_line_order_and_splitting() -> None:
    one = fingerprint([RequestedLine("mug", 2), RequestedLine("tea", 1)])

    assert one == fingerprint(
        [RequestedLine("tea", 1), RequestedLine("mug", 1), RequestedLine("mug", 1)]
    )


def test_priced_lines_keep_the_fingerprint_they_had_before_lines_could_be_unpriced() -> None:
    # Orders stored before keep answering their retries.
    before = hashlib.sha256(b"mug:2:12.5;tea:1:4.99").hexdigest()

    assert fingerprint([RequestedLine("tea", 1, TEA), OrderLine("mug", 2, MUG)]) == before


async def test_a_retry_of_an_unpriced_order_answers_the_first_order(ordering: Ordering) -> None:
    first = await placed(ordering, ALICE, [RequestedLine("mug", 1)], idempotency_key="k1")

    again = await placed(ordering, ALICE, [RequestedLine("mug", 1)], idempotency_key="k1")

    assert again == first


async def test_one_key_for_an_unpriced_then_a_priced_body_is_refused_as_reused(
    ordering: Ordering,
) -> None:
    await service.place_order(ordering, ALICE, [RequestedLine("mug", 1)], idempotency_key="k1")

    with pytest.raises(IdempotencyKeyReusedError):
        await service.place_order(
            ordering, ALICE, [RequestedLine("mug", 1, MUG)], idempotency_key="k1"
        )
