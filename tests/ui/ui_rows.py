"""Hand-written workspace rows for UI tests: small, deterministic, with one hostile issue."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from prodops_tui.store.store import Store

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07 [b]bold"
WORDS = ("checkout", "export", "billing", "search", "login", "invoice", "mobile", "report")


def connections() -> list[dict[str, Any]]:
    return [
        {
            "id": "jira-1",
            "kind": "jira",
            "name": "Jira",
            "base_url": "https://acme.example",
            "options": {},
        },
        {
            "id": "zd-1",
            "kind": "zendesk",
            "name": "Zendesk",
            "base_url": "https://zd.example",
            "options": {},
        },
    ]


def sync_states() -> list[dict[str, Any]]:
    return [
        {
            "connection_id": "jira-1",
            "stream": "issues",
            "last_success_at": NOW - timedelta(minutes=5),
        },
        {"connection_id": "zd-1", "stream": "tickets", "last_success_at": NOW - timedelta(days=3)},
    ]


def issues(count: int, hostile: bool = True) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        word = WORDS[n % len(WORDS)]
        summary = f"Improve {word} flow number {n}"
        if hostile and n == count:
            summary = HOSTILE
        yield {
            "id": f"jira:acme:{n}",
            "connection_id": "jira-1",
            "key": f"PROD-{n}",
            "project": "PROD",
            "type": "Story" if n % 3 else "Bug",
            "summary": summary,
            "description_md": f"Customers ask for a better {word} experience.\n\nIssue {n}.",
            "status": "To Do" if n % 2 else "In Progress",
            "priority": ("High", "Medium", "Low")[n % 3],
            "assignee": f"user{n % 7}",
            "labels": [word, "q1"],
            "updated": NOW - timedelta(minutes=n),
            "triage_state": "untriaged" if n % 4 else "accepted",
            "score": float(n % 50),
        }


def orgs() -> list[dict[str, Any]]:
    return [
        {
            "id": f"org-{n}",
            "name": f"Org {n}",
            "tier": ("free", "growth", "enterprise")[n % 3],
            "arr": 1000.0 * n,
        }
        for n in range(1, 6)
    ]


def feedback(count: int) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        word = WORDS[n % len(WORDS)]
        yield {
            "id": f"zd:{n}",
            "kind": "ticket",
            "external_id": str(n),
            "connection_id": "zd-1",
            "requester": f"Requester {n}",
            "org_id": f"org-{n % 5 + 1}",
            "channel": "email",
            "subject": f"Trouble with {word} number {n}",
            "body": f"The {word} page fails for us. Ticket {n}.",
            "tags": [word],
            "updated": NOW - timedelta(hours=n),
            "state": "new" if n % 3 else "processed",
        }


def experiments() -> list[dict[str, Any]]:
    rows = []
    for n, (design, status) in enumerate(
        [("ab", "running"), ("switchback", "running"), ("geo", "scheduled"), ("ab", "stopped")], 1
    ):
        rows.append(
            {
                "id": f"exp-{n}",
                "source": "growthbook",
                "name": f"Experiment {design} {n}",
                "design": design,
                "status": status,
                "owner": "ana",
                "surface": "checkout",
                "flag_key": f"flag-{n}",
                "primary_metric": "conversion",
                "hypothesis": f"Hypothesis number {n}",
                "audience": "all visitors",
                "variations": [{"name": "control"}, {"name": "treatment"}],
                "regions": ["eu", "us"],
                "treated_geos": ["DE"],
                "donor_geos": ["FR", "NL"],
                "traffic_pct": 50.0,
                "start": TODAY - timedelta(days=10 * n),
                "end": TODAY + timedelta(days=5 * n),
                "results": {},
            }
        )
    return rows


def tools() -> list[dict[str, Any]]:
    return [
        {
            "id": f"tool-{n}",
            "name": name,
            "category": "analytics",
            "owner": "ops",
            "seats_bought": 10,
            "seats_used": 10 - n,
            "monthly_cost": 100.0 * n,
            "renewal_date": TODAY + timedelta(days=days),
            "status": "active",
        }
        for n, (name, days) in enumerate(
            [("Amplitude", 12), ("Figma", 60), ("Notion", 200), ("Miro", 400)], 1
        )
    ]


def fill(store: Store, issue_count: int = 300, feedback_count: int = 120) -> None:
    """A small workspace: connections, orgs, issues (the last one hostile), feedback and more."""
    store.upsert("connection", connections())
    store.upsert("sync_state", sync_states())
    store.upsert("org", orgs())
    store.upsert("issue", issues(issue_count))
    store.upsert("feedback", feedback(feedback_count))
    store.upsert("evidence", [{"feedback_id": "zd:1", "issue_id": "jira:acme:1", "importance": 2}])
    store.upsert("experiment", experiments())
    store.upsert("tool", tools())
