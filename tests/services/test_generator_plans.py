"""Generated experiments, tools, connections and sync states."""

import math
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from typing import Any

import pytest

from prodops_tui.services.generator import generate

TODAY = date(2026, 5, 1)
NOW = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def experiments() -> list[dict[str, Any]]:
    return list(generate("small", seed=7, today=TODAY).experiments())


def _conflict(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """PRODUCT.md's rule: overlapping windows, a shared surface/flag/metric, audiences that meet."""
    if a["end"] < b["start"] or b["end"] < a["start"]:
        return False
    if not {a["surface"], a["flag_key"], a["primary_metric"]} & {
        b["surface"],
        b["flag_key"],
        b["primary_metric"],
    }:
        return False
    namespaces = (
        a["namespace_start"] < b["namespace_end"] and b["namespace_start"] < a["namespace_end"]
    )
    if a["design"] == b["design"] == "switchback":
        return bool(set(a["regions"]) & set(b["regions"]))
    if a["design"] == b["design"] == "geo":
        treated = set(a["treated_geos"]), set(b["treated_geos"])
        pools = treated[0] | set(a["donor_geos"]), treated[1] | set(b["donor_geos"])
        return bool(treated[0] & pools[1] or treated[1] & pools[0])
    return namespaces or a["traffic_pct"] + b["traffic_pct"] > 100


def test_experiments_are_valid(experiments: list[dict[str, Any]]) -> None:
    assert len(experiments) == 40
    assert len({e["id"] for e in experiments}) == 40
    assert {e["design"] for e in experiments} == {"ab", "switchback", "geo"}
    assert {e["source"] for e in experiments} == {"growthbook", "local"}
    for e in experiments:
        assert math.isclose(sum(v["weight"] for v in e["variations"]), 1.0)
        assert all(v["key"] and v["name"] for v in e["variations"])
        assert 0.0 <= e["namespace_start"] < e["namespace_end"] <= 1.0
        assert 0 < e["traffic_pct"] <= 100
        assert e["start"] <= e["end"]
        assert e["owner"] and e["surface"] and e["flag_key"] and e["primary_metric"]
        assert e["hypothesis"]
        if e["design"] == "switchback":
            assert e["regions"] and e["bucket_hours"] in (1, 2, 4, 6, 12)
        if e["design"] == "geo":
            assert e["treated_geos"] and e["donor_geos"]
            assert not set(e["treated_geos"]) & set(e["donor_geos"])


def test_status_follows_the_calendar(experiments: list[dict[str, Any]]) -> None:
    for e in experiments:
        if e["status"] == "stopped":
            assert e["end"] < TODAY
            assert {"lift", "ci_low", "ci_high", "srm_p"} <= set(e["results"])
            assert e["results"]["ci_low"] <= e["results"]["lift"] <= e["results"]["ci_high"]
            assert ("p_value" in e["results"]) != ("chance_to_win" in e["results"])
        elif e["status"] == "running":
            assert e["start"] <= TODAY <= e["end"] and not e["results"]
        else:
            assert e["start"] > TODAY and not e["results"]
    assert {e["status"] for e in experiments} == {"draft", "scheduled", "running", "stopped"}


def test_conflicting_pairs_exist_for_every_design(experiments: list[dict[str, Any]]) -> None:
    designs = {
        a["design"]
        for a, b in combinations(experiments, 2)
        if a["design"] == b["design"] and _conflict(a, b)
    }
    assert designs == {"ab", "switchback", "geo"}


def test_tools_have_renewals_due_and_overused_seats() -> None:
    tools = list(generate("small", seed=7, today=TODAY).tools())
    names = {t["name"] for t in tools}
    assert {"Jira", "Zendesk", "GrowthBook", "Mixpanel", "Figma", "Notion", "Slack"} <= names
    renewals = [t["renewal_date"] for t in tools if t["renewal_date"]]
    assert any(TODAY <= d <= TODAY + timedelta(30) for d in renewals)
    assert any(TODAY + timedelta(30) < d <= TODAY + timedelta(90) for d in renewals)
    assert sum(d < TODAY for d in renewals) == 1
    assert any(t["seats_used"] > t["seats_bought"] for t in tools)
    connected = {t["name"]: t["connection_id"] for t in tools if t["connection_id"]}
    assert connected == {
        "Jira": "jira:acme",
        "Zendesk": "zendesk:acme",
        "GrowthBook": "growthbook:acme",
        "Mixpanel": "mixpanel:acme",
    }
    assert {t["status"] for t in tools} == {"active", "evaluating", "retiring", "retired"}


def test_connections_and_sync_states() -> None:
    company = generate("small", seed=7, today=TODAY)
    connections = {c["id"]: c for c in company.connections()}
    assert connections["jira:acme"]["options"]["projects"]
    assert "jql" in connections["jira:acme"]["options"]
    assert all(c["base_url"].startswith("http://127.0.0.1") for c in connections.values())
    states = list(company.sync_states())
    assert len({(s["connection_id"], s["stream"]) for s in states}) == len(states)
    ages = [NOW - s["last_success_at"] for s in states]
    assert all(age >= timedelta(0) for age in ages)
    assert sum(age > timedelta(days=1) for age in ages) == 1
