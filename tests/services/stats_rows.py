"""A hand-made workspace whose every figure is known: four weeks of November 2026.

Weeks (Mondays): 2026-11-02, 11-09, 11-16, 11-23. NOW is Friday 2026-11-27 12:00 UTC.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import SQLModel

from prodops_tui.store.reads import Reader
from prodops_tui.store.store import Store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
HOSTILE = "[b]Bold[/b] <script>alert(1)</script> \x1b[31mred\x07 & ünïcode"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _feedback(n: int, kind: str, created: datetime, **extra: Any) -> dict[str, Any]:
    row = {"id": f"zd:{n}", "kind": kind, "subject": f"Feedback {n}", "created": created}
    return row | {"updated": created, "tags": [], "state": "new"} | extra


def _issue(n: int, summary: str, **extra: Any) -> dict[str, Any]:
    row = {"id": f"jira:acme:{n}", "key": f"PROD-{n}", "summary": summary, "labels": []}
    return row | {"updated": at(11, 1), "created": at(10, 1), "transitions": []} | extra


FEEDBACK = [
    _feedback(0, "ticket", at(10, 1), org_id="o3", tags=["billing"]),
    _feedback(1, "ticket", at(11, 3), org_id="o1", tags=["billing", "bug"]),
    _feedback(2, "ticket", at(11, 10), org_id="o1", tags=["billing"]),
    _feedback(3, "ticket", at(11, 24), org_id="o2", tags=["search", "feature-request"]),
    _feedback(4, "nps", at(11, 4), score=10, tags=["nps", "promoter"]),
    _feedback(5, "nps", at(11, 5), score=3, tags=["nps", "detractor"]),
    _feedback(6, "nps", at(11, 6), score=8, tags=["nps", "passive"]),
    _feedback(7, "nps", at(11, 25), score=9, tags=["nps", "promoter"]),
    _feedback(8, "csat", at(11, 11), score=5, tags=["csat"]),
    _feedback(9, "csat", at(11, 12), score=2, tags=["csat"]),
]
"""Themes in Nov: billing 1+1 (weeks 1, 2), bug 1, search 1, feature-request 1.
NPS week 11-02: 1 promoter, 1 detractor of 3 -> 0; week 11-23: 1 of 1 -> 100.
CSAT week 11-09: 1 of 2 satisfied -> 50."""

ISSUES = [
    _issue(1, HOSTILE, triage_state="snoozed", snoozed_until=at(11, 26)),
    _issue(2, "Export to CSV", status_category="done", usage_event="export_clicked")
    | {"updated": at(11, 20), "status": "Done"},
    _issue(3, "Gone", deleted=True),
    _issue(4, "Untouched"),
]
EVIDENCE = [("zd:1", "jira:acme:1"), ("zd:2", "jira:acme:1"), ("zd:3", "jira:acme:1")]
EVIDENCE += [("zd:0", "jira:acme:2"), ("zd:1", "jira:acme:3")]
"""PROD-1: 3 evidence from o1, o1, o2 -> 2 orgs, ARR 1500. PROD-2: 1 (o3, ARR 0), all before
November. PROD-3 is deleted."""

DECISIONS = [(at(11, 10), "accept"), (at(11, 11), "decline"), (at(11, 24), "accept")]

USAGE = [("$active", date(2026, 11, d), 50) for d in range(23, 28)]
USAGE += [("$active_month", date(2026, 11, 1), 200), ("$active", date(2026, 11, 20), 40)]
USAGE += [("export_clicked", date(2026, 11, 21), 10), ("export_clicked", date(2026, 11, 24), 20)]
"""Stickiness week 11-16: 40/200 = 20 %, week 11-23: 50/200 = 25 %.
Adoption of PROD-2 (done 11-20): (10 + 20) / (40 + 5 * 50) = 30 / 290."""


def fill_stats(store: Store) -> None:
    """Write the known workspace."""
    store.upsert(
        "connection",
        [
            {"id": "c-zd", "kind": "zendesk", "name": "zd", "base_url": "https://zd.test"},
            {"id": "c-jira", "kind": "jira", "name": "jira", "base_url": "https://j.test"},
        ],
    )
    store.upsert(
        "org",
        [
            {"id": "o1", "name": "One", "arr": 1000.0},
            {"id": "o2", "name": "Two", "arr": 500.0},
            {"id": "o3", "name": "Three", "arr": 0.0},
        ],
    )
    store.upsert("issue", ISSUES)
    store.upsert("feedback", FEEDBACK)
    store.upsert("evidence", [{"feedback_id": f, "issue_id": i} for f, i in EVIDENCE])
    store.upsert(
        "usage_daily",
        [{"event": e, "day": d, "count": u, "unique_users": u} for e, d, u in USAGE],
    )
    store.upsert(
        "sync_state",
        [
            {"connection_id": "c-zd", "stream": "tickets", "last_success_at": at(11, 26)}
            | {"last_error": "HTTP 500", "last_error_at": at(11, 27, 8)},
            {"connection_id": "c-jira", "stream": "issues", "last_success_at": at(11, 27, 9)},
        ],
    )
    decision = SQLModel.metadata.tables["decision"]
    with store.write() as conn:
        conn.execute(
            decision.insert(),
            [
                {"actor": "ana", "target": "jira:acme:1", "action": action, "created_at": when}
                | {"detail": {"note": HOSTILE}, "reason": ""}
                for when, action in DECISIONS
            ],
        )


@contextmanager
def filled_reader(url: str) -> Iterator[Reader]:
    """A Reader on a new workspace at `url` holding the known rows."""
    store = Store.open(url)
    try:
        fill_stats(store)
    finally:
        store.close()
    reader = Reader(url)
    try:
        yield reader
    finally:
        reader.close()
