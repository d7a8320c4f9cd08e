"""Recording and alerting rules: valid, unit-tested, documented and on real metrics."""

from collections import defaultdict
from typing import Any

import pytest

from .files import (
    ALERT_RULES,
    RECORDING_RULES,
    RULE_TESTS_DIR,
    RUNBOOK_URL_PREFIX,
    alert_rules,
    load_yaml,
    metric_names,
    recording_rules,
    runbook_anchors,
    undocumented,
)
from .tools import run

ALERT_NAMES = sorted({rule["alert"] for rule in alert_rules()})
# A firing case names these labels of the rule, which tell rules of one alert apart.
STATIC_LABELS = ("severity", "service", "long_window")


def _rule_tests() -> list[dict[str, Any]]:
    return [
        case
        for path in sorted(RULE_TESTS_DIR.glob("*.yml"))
        for group in load_yaml(path)["tests"]
        for case in group.get("alert_rule_test", [])
    ]


def test_rule_files_pass_promtool_check_rules() -> None:
    result = run("promtool", "check", "rules", RECORDING_RULES, ALERT_RULES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass_promtool_test_rules() -> None:
    files = sorted(RULE_TESTS_DIR.glob("*.yml"))
    assert files
    result = run("promtool", "test", "rules", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_rule_has_a_firing_case_and_its_alert_a_silent_case() -> None:
    firing: dict[str, list[dict[str, str]]] = defaultdict(list)
    silent: set[str] = set()
    for case in _rule_tests():
        if case["exp_alerts"]:
            firing[case["alertname"]] += [alert["exp_labels"] for alert in case["exp_alerts"]]
        else:
            silent.add(case["alertname"])
    assert silent >= set(ALERT_NAMES), f"no non-firing case: {set(ALERT_NAMES) - silent}"
    for rule in alert_rules():
        wanted = {
            key: value
            for key, value in rule["labels"].items()
            if key in STATIC_LABELS and "{{" not in str(value)
        }
        assert any(wanted.items() <= labels.items() for labels in firing[rule["alert"]]), (
            f"no firing case for {rule['alert']} {wanted}"
        )


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_has_severity_service_summary_description_and_runbook(
    rule: dict[str, Any],
) -> None:
    assert rule["labels"]["severity"] in ("critical", "warning")
    assert rule["labels"]["service"]
    assert rule["annotations"]["summary"]
    assert rule["annotations"]["description"]
    assert rule["annotations"]["runbook_url"] == RUNBOOK_URL_PREFIX + rule["alert"].lower()


def test_every_runbook_url_points_at_a_heading_of_runbooks_md() -> None:
    anchors = runbook_anchors()
    for rule in alert_rules():
        url = rule["annotations"]["runbook_url"]
        assert url.startswith(RUNBOOK_URL_PREFIX)
        assert url.removeprefix(RUNBOOK_URL_PREFIX) in anchors, f"{url}: no such heading"


def test_the_alerts_the_issue_asks_for_exist_with_their_severity_and_for() -> None:
    by_name = {rule["alert"]: rule for rule in alert_rules()}
    assert (by_name["ServiceDown"]["for"], by_name["ServiceDown"]["labels"]["severity"]) == (
        "30s",
        "critical",
    )
    assert by_name["DatabaseDown"]["labels"]["severity"] == "critical"
    assert by_name["HighErrorRate"]["for"] == "2m"
    assert by_name["HighLatency"]["for"] == "5m"
    assert 'outcome="rejected"' in by_name["OrderRejectionSpike"]["expr"]
    assert "inventory_low_stock_skus > 0" in by_name["LowStock"]["expr"]
    windows = {
        rule["labels"]["long_window"]: rule["labels"]["severity"]
        for rule in alert_rules()
        if rule["alert"].startswith("OrderErrorBudget")
    }
    assert windows == {"1h": "critical", "6h": "critical", "1d": "warning", "3d": "warning"}


def test_the_identity_alerts_watch_failed_sign_ins_and_refresh_token_reuse() -> None:
    by_name = {rule["alert"]: rule for rule in alert_rules()}
    burst = by_name["SignInFailureBurst"]
    assert 'identity_sign_ins_total{result="failed"}[5m]' in burst["expr"]
    assert burst["expr"].endswith("> 60")
    assert burst["for"] == "2m"
    reuse = by_name["RefreshTokenReuse"]
    assert "identity_refresh_token_reuse_total[10m]" in reuse["expr"]
    # Each reuse is one already revoked family: alert on the first, no waiting.
    assert reuse["expr"].endswith("> 0")
    assert "for" not in reuse
    # Without the identity service nobody signs in: it pages like any service.
    assert "identity" in by_name["ServiceDown"]["expr"]


def test_rules_read_only_metrics_the_services_and_exporters_export() -> None:
    for rule in recording_rules() + alert_rules():
        names = metric_names(rule["expr"])
        assert names, rule["expr"]
        assert not undocumented(names), f"{rule.get('alert') or rule['record']}: {names}"
