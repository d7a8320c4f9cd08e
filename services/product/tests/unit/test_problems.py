"""The problem catalogue: what each refusal is answered with, member for member."""

from typing import Any

from product_service.api.problems import PROBLEMS
from product_service.domain import DuplicateSkuError, ProductNotFoundError
from shopkit.errors import Problem


def answer_to(error: Exception) -> Problem:
    (problem_type,) = (p for p in PROBLEMS if p.error is type(error))
    return problem_type.problem(error)


def members(problem: Problem) -> list[tuple[str, Any]]:
    """The problem's members in the order they are sent."""
    head = {"status": problem.status, "slug": problem.slug, "title": problem.title}
    return [*head.items(), ("detail", problem.detail), *problem.extensions.items()]


def test_a_taken_sku_is_a_409_naming_the_sku() -> None:
    assert members(answer_to(DuplicateSkuError("mug"))) == [
        ("status", 409),
        ("slug", "duplicate-sku"),
        ("title", "Duplicate SKU"),
        ("detail", "a product with skuCode 'mug' already exists"),
        ("skuCode", "mug"),
    ]


def test_an_unknown_product_is_a_404() -> None:
    assert members(answer_to(ProductNotFoundError("0" * 24))) == [
        ("status", 404),
        ("slug", "product-not-found"),
        ("title", "Product not found"),
        ("detail", f"no product with id '{'0' * 24}'"),
    ]
