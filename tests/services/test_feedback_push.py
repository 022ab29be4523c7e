"""Inbox actions reach the fakes: a link tags the Zendesk ticket; a new issue is created in Jira
and its placeholder, with the evidence, takes the real id (both dialects, loopback sockets)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.feedback_actions import LINK_TAG, Action, IssueDraft, apply, create_issue
from prodops_tui.services.generator import generate
from prodops_tui.services.generator_text import PROJECTS
from prodops_tui.services.push import push
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, DAY), kinds=["jira", "zendesk"]) as running:
        yield running


def rows_for(fakes: RunningFakes) -> list[dict[str, Any]]:
    """The Jira and Zendesk connection rows pointing at the fakes."""
    options: dict[str, Any] = {
        "jira": {"projects": [key for key, _ in PROJECTS], "poll_interval": 0},
        "zendesk": {"subdomain": "acme", "incremental_per_minute": 1000},
    }
    auth = {"jira": "basic", "zendesk": "oauth"}
    return [
        {
            "id": f"{kind}:acme",
            "kind": kind,
            "name": kind.title(),
            "base_url": fakes.urls[kind],
            "account": "ops@acme.example",
            "auth_method": auth[kind],
            "options": options[kind],
        }
        for kind in ("jira", "zendesk")
    ]


@pytest.fixture
async def store(db_url: str, fakes: RunningFakes) -> Any:
    opened = Store.open(db_url)
    opened.upsert("connection", rows_for(fakes))
    for row in rows_for(fakes):
        async with open_connector(row, fakes.tokens[row["kind"]]) as connector:
            streams = ["orgs", "tickets"] if row["kind"] == "zendesk" else None
            assert (await sync_connection(opened, connector, streams=streams)).ok
    yield opened
    opened.close()


async def push_all(store: Store, fakes: RunningFakes) -> Any:
    rows = rows_for(fakes)
    async with (
        open_connector(rows[0], fakes.tokens["jira"]) as jira,
        open_connector(rows[1], fakes.tokens["zendesk"]) as zendesk,
    ):
        found = {"jira:acme": jira, "zendesk:acme": zendesk}
        return await push(store, found, owner="test")


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql), params).scalar()


async def test_link_then_push_tags_the_ticket_in_zendesk(store: Store, fakes: RunningFakes) -> None:
    ticket = scalar(store, "SELECT id FROM feedback WHERE kind = 'ticket' ORDER BY id LIMIT 1")
    issue, key = next(iter(store_rows(store, "SELECT id, key FROM issue ORDER BY key LIMIT 1")))
    apply(store, [ticket], Action("link", issue, importance=2), "pat")
    report = await push_all(store, fakes)
    assert report.done == 1, report
    number = int(ticket.rsplit(":", 1)[-1])
    tags = fakes.apps["zendesk"].state.data.tickets[number]["tags"]
    assert LINK_TAG in tags and f"jira_{key.lower()}" in tags
    assert scalar(store, "SELECT state FROM outbox") == "done"


async def test_new_issue_is_created_in_jira_and_the_evidence_follows(
    store: Store, fakes: RunningFakes
) -> None:
    ticket = scalar(store, "SELECT id FROM feedback WHERE kind = 'ticket' ORDER BY id LIMIT 1")
    project = PROJECTS[0][0]
    draft = IssueDraft(project, "Bulk export times out", "Customers with 1M rows")
    placeholder, _ = create_issue(store, [ticket], draft, "pat", importance=3)
    report = await push_all(store, fakes)
    assert report.done == 2 and report.ok, report
    real = scalar(store, "SELECT issue_id FROM evidence WHERE feedback_id = :f", f=ticket)
    assert real != placeholder and real.startswith("jira:acme:") and real[10:].isdigit()
    assert scalar(store, "SELECT count(*) FROM issue WHERE id = :i", i=placeholder) == 0
    rows = rows_for(fakes)
    async with open_connector(rows[0], fakes.tokens["jira"]) as jira:
        assert (await sync_connection(store, jira)).ok
    key = scalar(store, "SELECT key FROM issue WHERE id = :i", i=real)
    assert key.startswith(f"{project}-") and key != f"{project}-new"
    found = fakes.apps["jira"].state.data.find(key)
    assert found["fields"]["summary"] == "Bulk export times out"


def store_rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]
