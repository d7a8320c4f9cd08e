"""The fault flags through the gateway, over real HTTP with the real identity service: only a
signed-in admin sees or switches them, writes need the page's CSRF token, and a switch is
written to the flag file every service watches."""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shopkit.faults import read_flag_file, write_flag_file
from testkit.processes import ServiceProcesses

from .signing_in import Browser, new_email

ADMIN_EMAIL = "admin@shopstack.local"


@dataclass(frozen=True)
class Shop:
    gateway: str
    flag_file: Path
    admin_password: str


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    workdir = tmp_path_factory.mktemp("faults")
    flag_file = workdir / "flags" / "fault-flags.json"
    flag_file.parent.mkdir()
    with ServiceProcesses(
        ["identity", "gateway"],
        log_of=lambda name: workdir / f"{name}.log",
        databases={"identity": f"sqlite+aiosqlite:///{workdir}/identity.db"},
        env={"FAULTS_FLAG_FILE": str(flag_file), "LOG_LEVEL": "WARNING"},
    ) as services:
        services.start()
        services.wait_ready(timeout=60)
        password = services.admin_password_file.read_text().strip()
        yield Shop(services.urls["gateway"], flag_file, password)


@pytest.fixture
def admin(shop: Shop) -> Iterator[Browser]:
    browser = Browser(shop.gateway)
    browser.sign_in(ADMIN_EMAIL, shop.admin_password)
    yield browser
    write_flag_file(shop.flag_file, {})


def test_a_signed_in_admin_sees_every_flag_off_by_default(admin: Browser) -> None:
    answer = admin.get("/admin/faults")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["writable"] is True
    assert {flag["name"]: flag["value"] for flag in body["flags"]} == {
        "inventoryLatencyMs": 0,
        "inventoryErrorRatio": 0.0,
        "productUnavailable": False,
        "databaseLatencyMs": 0,
    }
    assert {flag["service"] for flag in body["flags"]} == {"inventory", "product"}


def test_an_admin_switches_a_flag_into_the_file_the_services_watch(
    admin: Browser, shop: Shop
) -> None:
    answer = admin.write("PUT", "/admin/faults/inventoryLatencyMs", {"value": 750})
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is True
    assert read_flag_file(shop.flag_file)["inventoryLatencyMs"] == 750
    listed = {flag["name"]: flag for flag in admin.get("/admin/faults").json()["flags"]}
    assert listed["inventoryLatencyMs"]["value"] == 750
    assert admin.write("PUT", "/admin/faults/inventoryLatencyMs", {"value": 0}).status_code == 200
    assert read_flag_file(shop.flag_file)["inventoryLatencyMs"] == 0


def test_a_switch_without_the_csrf_token_is_refused(admin: Browser, shop: Shop) -> None:
    answer = admin.write("PUT", "/admin/faults/productUnavailable", {"value": True}, csrf=False)
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert read_flag_file(shop.flag_file)["productUnavailable"] is False


@pytest.mark.parametrize(
    ("name", "value", "status", "slug"),
    [
        ("inventoryErrorRatio", 2, 422, "invalid-fault-value"),
        ("productUnavailable", "yes", 422, "validation-error"),
        ("everythingOnFire", True, 404, "unknown-fault-flag"),
    ],
)
def test_a_bad_switch_is_a_problem_not_a_write(
    admin: Browser, shop: Shop, name: str, value: object, status: int, slug: str
) -> None:
    answer = admin.write("PUT", f"/admin/faults/{name}", {"value": value})
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == f"urn:shopstack:problem:{slug}"
    assert set(read_flag_file(shop.flag_file).values()) == {0}


def test_a_customer_may_not_see_or_switch_the_flags(shop: Shop) -> None:
    customer = Browser(shop.gateway)
    customer.sign_up(new_email(), secrets.token_urlsafe(16))
    assert customer.get("/admin/faults").status_code == 403
    answer = customer.write("PUT", "/admin/faults/productUnavailable", {"value": True})
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert read_flag_file(shop.flag_file)["productUnavailable"] is False


def test_a_guest_may_not_see_or_switch_the_flags(shop: Shop) -> None:
    guest = Browser(shop.gateway)
    assert guest.get("/admin/faults").status_code == 403
    answer = guest.write("PUT", "/admin/faults/productUnavailable", {"value": True}, csrf=False)
    assert answer.status_code == 403
    assert read_flag_file(shop.flag_file)["productUnavailable"] is False


def test_where_the_flag_file_cannot_be_written_a_switch_answers_409(
    admin: Browser, shop: Shop
) -> None:
    # Root ignores file modes: a file where the flags' directory was makes any write fail,
    # as a read-only ConfigMap mount does.
    directory = shop.flag_file.parent
    moved = directory.rename(directory.with_name("flags-away"))
    directory.write_text("")
    try:
        listed = admin.get("/admin/faults").json()
        answer = admin.write("PUT", "/admin/faults/productUnavailable", {"value": True})
    finally:
        directory.unlink()
        moved.rename(directory)
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"] == "urn:shopstack:problem:fault-flags-read-only"
    assert "ConfigMap" in answer.json()["detail"]
    assert listed["writable"] is False
