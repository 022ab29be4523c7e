"""Jira issue JSON -> issue rows: real shapes map exactly (bad ones: tests/fuzz)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from prodops_tui.connectors.jira_map import issue_row, jql_time, parse_time
from prodops_tui.fakes.jira_data import issue_from_row
from tests.connectors.jira_helpers import fake_jira

GOOD: dict[str, Any] = {
    "id": "10042",
    "key": "CHK-9",
    "fields": {
        "summary": "Fix checkout",
        "status": {"name": "In Review", "statusCategory": {"key": "indeterminate"}},
        "priority": {"name": "High"},
        "labels": ["ux"],
        "assignee": None,
        "issuetype": {"name": "Bug"},
        "project": {"key": "CHK"},
        "created": "2025-06-01T13:05:22.123+0000",
        "updated": "2025-06-02T08:00:00.000+0200",
        "description": None,
        "customfield_10016": 5,
    },
}


def test_a_real_issue_maps_to_a_row() -> None:
    row = issue_row(GOOD, site="acme", points_field="customfield_10016")
    assert row["id"] == "jira:acme:10042"
    assert row["status_category"] == "indeterminate"
    assert row["assignee"] == ""
    assert row["estimate"] == 5.0
    assert row["created"] == datetime(2025, 6, 1, 13, 5, 22, 123000, tzinfo=UTC)
    assert row["updated"] == datetime(2025, 6, 2, 6, 0, tzinfo=UTC)
    assert row["description_md"] == ""


def test_fake_issue_json_round_trips_to_the_generator_row() -> None:
    app = fake_jira()
    issue = app.state.data.find("CHK-1")
    row = issue_row(issue, site="acme", points_field="customfield_10016")
    assert issue_from_row({**row, "usage_event": ""}) == issue


def test_jql_time_is_minute_precision_in_the_zone() -> None:
    moment = datetime(2025, 1, 10, 9, 1, 59, tzinfo=UTC)
    berlin = jql_time(moment, ZoneInfo("Europe/Berlin"), timedelta(minutes=2))
    assert berlin == "2025/01/10 09:59"
    assert parse_time("2025-01-10T09:01:59.000+0000") == moment.replace(second=59)
