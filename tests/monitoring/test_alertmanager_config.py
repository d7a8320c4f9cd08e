"""The Alertmanager configuration: valid for the real amtool, routed as the team wants."""

from typing import Any

import pytest

from .files import ALERTMANAGER_CONFIG, load_yaml
from .tools import run

CHANNELS = {"critical": "#microservices-critical", "warning": "#microservices-alerts"}
SECRET_FILE = "/etc/alertmanager/secrets/slack-webhook-url"


def _slack_configs() -> dict[str, dict[str, Any]]:
    config = load_yaml(ALERTMANAGER_CONFIG)
    return {
        receiver["name"]: slack
        for receiver in config["receivers"]
        for slack in receiver.get("slack_configs", [])
    }


def _receiver_for(*labels: str) -> str:
    result = run(
        "amtool", "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}", *labels
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_alertmanager_config_passes_amtool_check_config() -> None:
    result = run("amtool", "check-config", ALERTMANAGER_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 templates" in result.stdout


@pytest.mark.parametrize("severity", ["critical", "warning"])
def test_alerts_route_to_the_slack_channel_of_their_severity(severity: str) -> None:
    receiver = _receiver_for(f"severity={severity}", "alertname=ServiceDown", "service=order")
    assert _slack_configs()[receiver]["channel"] == CHANNELS[severity]


def test_an_alert_without_a_known_severity_still_reaches_the_alerts_channel() -> None:
    assert _slack_configs()[_receiver_for("alertname=Unlabelled")]["channel"] == CHANNELS["warning"]


def test_slack_webhook_is_read_from_a_secret_file_and_resolutions_are_sent() -> None:
    for slack in _slack_configs().values():
        assert slack["api_url_file"] == SECRET_FILE
        assert "api_url" not in slack
        assert slack["send_resolved"] is True
        assert "runbook" in slack["text"] or "runbook" in slack["title_link"]
    assert "hooks.slack.com" not in ALERTMANAGER_CONFIG.read_text()


def test_alerts_are_grouped_per_alert_and_service_and_repeated() -> None:
    route = load_yaml(ALERTMANAGER_CONFIG)["route"]
    assert route["group_by"] == ["alertname", "service"]
    assert route["repeat_interval"]
    assert all(child["repeat_interval"] for child in route["routes"])


def test_service_down_inhibits_the_other_alerts_of_its_service() -> None:
    inhibit = load_yaml(ALERTMANAGER_CONFIG)["inhibit_rules"]
    assert {
        "source_matchers": ['alertname="ServiceDown"'],
        "target_matchers": ['alertname!="ServiceDown"'],
        "equal": ["service"],
    } in inhibit
