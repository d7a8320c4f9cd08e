"""The README's list of problem types is the services' catalogues, no more and no less."""

import re
from pathlib import Path
from typing import Any

from gateway.problems import PROBLEMS as GATEWAY
from inventory_service.api.problems import PROBLEMS as INVENTORY
from order_service.api.problems import PROBLEMS as ORDER
from product_service.api.problems import PROBLEMS as PRODUCT
from shopkit.errors import BUILTIN_PROBLEM_TYPES, ProblemType
from shopkit.limits import EDGE_PROBLEMS

README = Path(__file__).resolve().parents[2] / "README.md"
CATALOGUES: dict[str, list[ProblemType[Any]]] = {
    "product": list(PRODUCT),
    "inventory": list(INVENTORY),
    "order": list(ORDER),
    "gateway": list(GATEWAY),
}


def documented_problem_types() -> dict[str, int]:
    text = README.read_text()
    paragraph = text[text.index("Problem types are") : text.index("plain HTTP errors")]
    return {slug: int(status) for slug, status in re.findall(r"`([a-z-]+)` \((\d{3})", paragraph)}


def test_the_readme_lists_every_catalogued_problem_type_with_its_status() -> None:
    catalogued = dict(BUILTIN_PROBLEM_TYPES)
    catalogued.update({slug: status for status, (slug, _) in EDGE_PROBLEMS.items()})
    for catalogue in CATALOGUES.values():
        catalogued.update({problem.slug: problem.status for problem in catalogue})

    assert documented_problem_types() == catalogued


def test_a_problem_type_means_one_status_in_every_service() -> None:
    statuses: dict[str, set[int]] = {}
    for catalogue in CATALOGUES.values():
        for problem in catalogue:
            statuses.setdefault(problem.slug, set()).add(problem.status)

    assert {slug: s for slug, s in statuses.items() if len(s) > 1} == {}


def test_each_domain_error_is_catalogued_once_per_service() -> None:
    for service, catalogue in CATALOGUES.items():
        errors = [problem.error for problem in catalogue]
        assert len(errors) == len(set(errors)), service
