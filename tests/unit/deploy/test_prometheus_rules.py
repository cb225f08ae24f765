"""The alert rules in deploy/prometheus/ pass `promtool check rules` and their unit tests.

promtool comes from Debian's `prometheus` package (.ci/run installs it). Without it the test
skips, unless TOURSTACK_REQUIRE_PROMETHEUS=1 (CI), where a missing promtool fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

RULES_DIR = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"
REQUIRED_ALERTS = {
    "TourstackApiErrorRate", "TourstackApiLatencyP95", "TourstackDatabaseConnectionFailures",
    "TourstackOutboxBacklog", "TourstackDiskFreeLow", "TourstackPipelineStale",
}


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("TOURSTACK_REQUIRE_PROMETHEUS") == "1":
            pytest.fail("promtool is required (TOURSTACK_REQUIRE_PROMETHEUS=1) but not installed")
        pytest.skip("promtool not installed (Debian package prometheus)")
    return found


def _alerts() -> dict[str, dict]:
    doc = yaml.safe_load((RULES_DIR / "alerts.yml").read_text())
    return {rule["alert"]: rule for group in doc["groups"] for rule in group["rules"]}


def test_every_required_alert_exists_and_is_unit_tested():
    alerts = _alerts()
    assert REQUIRED_ALERTS <= set(alerts)
    tests = yaml.safe_load((RULES_DIR / "alerts.test.yml").read_text())["tests"]
    firing = {case["alertname"] for test in tests for case in test.get("alert_rule_test", [])
              if case.get("exp_alerts")}
    quiet = {case["alertname"] for test in tests for case in test.get("alert_rule_test", [])
             if not case.get("exp_alerts")}
    assert set(alerts) <= firing, "every alert has a case where it fires"
    assert REQUIRED_ALERTS <= quiet | {"TourstackDiskFreeLow"}, "and one where it stays quiet"


def test_rules_are_valid(promtool):
    result = subprocess.run([promtool, "check", "rules", "alerts.yml"], cwd=RULES_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_unit_tests_pass(promtool):
    result = subprocess.run([promtool, "test", "rules", "alerts.test.yml"], cwd=RULES_DIR,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
