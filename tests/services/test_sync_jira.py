"""Sync and push against the fake Jira over a real loopback socket, on both dialects."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.services.generator_text import PROJECTS
from prodops_tui.services.push import push, resolve_conflict
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)
CONN = "jira:acme"


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, DAY), kinds=["jira"]) as running:
        yield running


@pytest.fixture
def store(db_url: str, fakes: RunningFakes) -> Iterator[Store]:
    opened = Store.open(db_url)
    opened.upsert("connection", [row(fakes)])
    yield opened
    opened.close()


def row(fakes: RunningFakes) -> dict[str, Any]:
    return {
        "id": CONN,
        "kind": "jira",
        "name": "Jira",
        "base_url": fakes.urls["jira"],
        "account": "ops@acme.example",
        "auth_method": "basic",
        "options": {"projects": [key for key, _ in PROJECTS], "poll_interval": 0},
    }


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql), params).scalar()


async def sync(store: Store, fakes: RunningFakes) -> Any:
    async with open_connector(row(fakes), fakes.tokens["jira"]) as connector:
        return await sync_connection(store, connector)


async def run_push(store: Store, fakes: RunningFakes) -> Any:
    async with open_connector(row(fakes), fakes.tokens["jira"]) as connector:
        return await push(store, {CONN: connector}, owner="test")


def aware(value: Any) -> datetime:
    """A stored `updated` as aware UTC (SQLite keeps naive UTC text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def enqueue_priority(store: Store, issue_id: str, name: str) -> str:
    with store.write() as conn:
        updated = conn.execute(
            text("SELECT updated FROM issue WHERE id = :i"), {"i": issue_id}
        ).scalar()
        conn.execute(
            text("UPDATE issue SET priority = :p WHERE id = :i"), {"p": name, "i": issue_id}
        )
        base = aware(updated).isoformat()
        return store.enqueue(
            conn,
            target=issue_id,
            op="priority",
            payload={"name": name},
            base_version=base,
            actor="pat",
        )


async def test_sync_fills_issues_and_a_touch_changes_one(store: Store, fakes: RunningFakes) -> None:
    report = await sync(store, fakes)
    assert report.ok, report
    assert scalar(store, "SELECT count(*) FROM issue") == 200
    key = scalar(store, "SELECT key FROM issue ORDER BY key LIMIT 1")
    fakes.apps["jira"].state.touch(key, summary="Changed in Jira")
    again = await sync(store, fakes)
    assert again.ok and again.changed == 1
    assert scalar(store, "SELECT summary FROM issue WHERE key = :k", k=key) == "Changed in Jira"


async def test_an_issue_deleted_in_jira_is_flagged_by_the_next_sync(
    store: Store, fakes: RunningFakes
) -> None:
    assert (await sync(store, fakes)).ok
    key = scalar(store, "SELECT key FROM issue ORDER BY key LIMIT 1")
    fakes.apps["jira"].state.delete(key)
    again = await sync(store, fakes)
    assert again.ok and again.streams[0].deleted == 1
    assert scalar(store, "SELECT count(*) FROM issue WHERE deleted") == 1
    assert scalar(store, "SELECT key FROM issue WHERE deleted") == key
    third = await sync(store, fakes)
    assert third.ok and third.streams[0].deleted == 0


async def test_a_priority_change_reaches_jira_and_a_remote_change_conflicts(
    store: Store, fakes: RunningFakes
) -> None:
    assert (await sync(store, fakes)).ok
    first, second = (
        scalar(store, f"SELECT id FROM issue ORDER BY key LIMIT 1 OFFSET {n}") for n in (0, 1)
    )
    writes = fakes.apps["jira"].state.writes
    before = len(writes)
    enqueue_priority(store, first, "Highest")
    report = await run_push(store, fakes)
    assert report.done == 1, report
    sent = [w for w in writes[before:] if w["method"] == "PUT"]
    assert sent and "Highest" in str(sent[-1]["body"])
    key = scalar(store, "SELECT key FROM issue WHERE id = :i", i=second)
    edit_id = enqueue_priority(store, second, "Lowest")
    fakes.apps["jira"].state.touch(key, priority="High")
    report = await run_push(store, fakes)
    assert report.conflicts == 1
    assert scalar(store, "SELECT state FROM outbox WHERE id = :i", i=edit_id) == "conflict"
    issue = fakes.apps["jira"].state.data.find(key)
    assert issue["fields"]["priority"]["name"] == "High"
    resolve_conflict(store, edit_id, "reapply")
    assert (await run_push(store, fakes)).done == 1
    assert fakes.apps["jira"].state.data.find(key)["fields"]["priority"]["name"] == "Lowest"
