import pytest

from product_service.config import Settings


def test_the_service_migrates_on_start_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().migrate_on_start is True

    monkeypatch.setenv("PRODUCT_MIGRATE_ON_START", "false")

    assert Settings().migrate_on_start is False


def test_the_launch_contract_reads_host_and_port_prefixed_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9000")
    assert (Settings().host, Settings().port) == ("0.0.0.0", 9000)

    monkeypatch.setenv("PRODUCT_PORT", "9001")

    assert Settings().port == 9001
