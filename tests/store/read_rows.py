"""Rows and helpers shared by the read-path tests."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from prodops_tui.store.reads import ListQuery
from prodops_tui.store.store import Store

TODAY = date.today()


def _at(day: int, hour: int = 10, micro: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, 0, 0, micro, tzinfo=UTC)


def _issue(n: int, summary: str, updated: datetime, **extra: Any) -> dict[str, Any]:
    row = {"id": f"jira:acme:{n}", "connection_id": "c-jira", "key": f"PROD-{n}"}
    row.update(summary=summary, updated=updated, labels=[], triage_state="untriaged")
    return row | extra


def _feedback(n: int, subject: str, updated: datetime, **extra: Any) -> dict[str, Any]:
    row = {"id": f"zd:{n}", "connection_id": "c-zd", "subject": subject, "updated": updated}
    return row | {"tags": [], "state": "new"} | extra


def _experiment(n: int, status: str, start: date | None) -> dict[str, Any]:
    lists = {"variations": [], "regions": ["EU", "US"], "treated_geos": [], "donor_geos": []}
    return {"id": f"exp:{n}", "name": f"Experiment {n}", "status": status, "start": start} | {
        "results": {"lift": 0.1 * n},
        **lists,
    }


def _tool(n: int, name: str, renewal: date | None, status: str = "active") -> dict[str, Any]:
    return {"id": f"tool:{n}", "name": name, "renewal_date": renewal, "status": status}


def _outbox(n: int, state: str) -> dict[str, Any]:
    return {"id": f"00000000-0000-0000-0000-00000000000{n}", "target": "jira:acme:1"} | {
        "op": "comment",
        "payload": {"body": "hi"},
        "state": state,
    }


def fill(store: Store) -> None:
    """A small hand-made workspace whose every count is known."""
    store.upsert(
        "connection",
        [
            {"id": c, "kind": kind, "name": kind, "base_url": f"https://{kind}.test", "options": {}}
            for c, kind in (("c-jira", "jira"), ("c-zd", "zendesk"), ("c-gb", "growthbook"))
        ],
    )
    store.upsert(
        "org",
        [
            {"id": "o1", "name": "Acme", "tier": "enterprise", "arr": 120000.0},
            {"id": "o2", "name": "Beta", "tier": "starter", "arr": 5000.0},
        ],
    )
    store.upsert(
        "issue",
        [
            _issue(1, "Export dashboards to PDF", _at(1, micro=123456), labels=["export", "pdf"]),
            _issue(2, "Dashboard loads slowly", _at(3), status_category="done"),
            _issue(3, "Exporting CSV fails with unicode", _at(2), triage_state="accepted"),
            _issue(4, "SSO login loop", _at(3), deleted=True),
            _issue(5, "Resume upload broken", _at(1, hour=9), description_md="export later"),
        ],
    )
    store.upsert(
        "feedback",
        [
            _feedback(1, "Cannot export dashboard", _at(5), org_id="o1", tags=["export", "bug"]),
            _feedback(2, "Love the new charts", _at(4), org_id="o2", state="processed"),
            _feedback(3, "Export to CSV please", _at(6), body="CSV export for finance"),
            _feedback(4, "Login issue", _at(3), org_id="o1", state="archived"),
        ],
    )
    store.upsert(
        "evidence",
        [
            {"feedback_id": "zd:1", "issue_id": "jira:acme:1", "importance": 3},
            {"feedback_id": "zd:3", "issue_id": "jira:acme:1"},
            {"feedback_id": "zd:3", "issue_id": "jira:acme:3"},
        ],
    )
    store.upsert(
        "experiment",
        [
            _experiment(1, "running", date(2024, 4, 1)),
            _experiment(2, "draft", None),
            _experiment(3, "stopped", date(2024, 3, 1)),
        ],
    )
    store.upsert(
        "tool",
        [
            _tool(1, "Amplitude", TODAY + timedelta(days=10)),
            _tool(2, "Figma", TODAY + timedelta(days=60)),
            _tool(3, "Asana", TODAY + timedelta(days=5), status="retired"),
            _tool(4, "Notion", None),
        ],
    )
    store.upsert(
        "sync_state",
        [
            {"connection_id": "c-jira", "stream": "issues", "last_success_at": _at(6, hour=8)},
            {"connection_id": "c-jira", "stream": "fields", "last_success_at": _at(6, hour=9)},
            {"connection_id": "c-zd", "stream": "tickets", "last_success_at": _at(5, hour=12)},
        ],
    )
    store.upsert(
        "outbox",
        [_outbox(1, "pending"), _outbox(2, "inflight"), _outbox(3, "conflict"), _outbox(4, "done")],
    )


def _keys(rows: list[tuple[Any, ...]], index: int = 1) -> list[Any]:
    return [row[index] for row in rows]


ISSUES = ListQuery("issue", ("key", "summary", "updated"))
