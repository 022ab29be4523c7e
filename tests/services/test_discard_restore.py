"""Discarding a conflicted edit gives the item the service's values back (services/restore.py),
against the fake Jira and the fake Zendesk on both dialects."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel
from starlette.applications import Starlette
from test_push_zendesk import ROW as ZENDESK
from test_push_zendesk import no_wait
from test_triage_push import ROW as JIRA

from prodops_tui.fakes import jira, zendesk
from prodops_tui.services import feedback_actions, triage
from prodops_tui.services.generator import generate
from prodops_tui.services.push import push, resolve_conflict
from prodops_tui.services.registry import open_connector
from prodops_tui.services.restore import marked, restore_remote
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)
TICKET = "zendesk:acme:ticket:5"


def connect(app: Starlette, row: dict[str, Any], token: str = "fake-token") -> Any:
    transport = httpx.ASGITransport(app=app)
    return open_connector(row, token, transport=transport, sleep=no_wait)


@pytest.fixture
def company() -> Any:
    return generate("tiny", 7, DAY)


@pytest.fixture(autouse=True)
def connections(store: Store) -> None:
    store.upsert("connection", [JIRA, ZENDESK])


ONE_DIALECT = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""The edge cases need no second dialect (the writes are the same statements)."""


async def sync(app: Starlette, store: Store, row: dict[str, Any], *streams: str) -> None:
    async with connect(app, row) as connector:
        report = await sync_connection(store, connector, streams=list(streams) or None)
    assert report.ok, report.streams


async def run_push(
    app: Starlette, store: Store, row: dict[str, Any], token: str = "fake-token"
) -> Any:
    async with connect(app, row, token) as connector:
        return await push(store, {row["id"]: connector}, owner="test")


def one(store: Store, sql: str, **params: Any) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql), params).one()


def first_to_do(store: Store) -> tuple[str, str, str]:
    sql = "SELECT id, key, priority FROM issue WHERE status = 'To Do' ORDER BY key LIMIT 1"
    found = one(store, sql)
    return str(found[0]), str(found[1]), str(found[2])


def conflicted(store: Store) -> str:
    return str(one(store, "SELECT id FROM outbox WHERE state = 'conflict'")[0])


async def jira_conflict(app: Starlette, store: Store) -> tuple[str, str, str]:
    """A local priority edit, a remote priority change pulled while the edit waited, then a
    push that finds the conflict: (issue id, the service's priority, our priority)."""
    await sync(app, store, JIRA)
    issue_id, key, before = first_to_do(store)
    ours, theirs = [p for p in ("Highest", "Lowest", "Medium") if p != before][:2]
    triage.set_priority(store, issue_id, ours, "pat")
    app.state.touch(key, priority=theirs)
    await sync(app, store, JIRA)  # the pull passes the change; the edit holds the column
    report = await run_push(app, store, JIRA)
    assert report.conflicts == 1, report.errors
    return issue_id, theirs, ours


def priority(store: Store, issue_id: str) -> tuple[str, int]:
    found = one(store, "SELECT priority, version FROM issue WHERE id = :i", i=issue_id)
    return str(found[0]), int(found[1])


async def test_discard_restores_the_priority_from_jira(company: Any, store: Store) -> None:
    app = jira.create_app(company)
    issue_id, theirs, ours = await jira_conflict(app, store)
    resolve_conflict(store, conflicted(store), "discard")
    await sync(app, store, JIRA)
    assert priority(store, issue_id)[0] == ours  # an incremental pull alone never brings it back
    _, version = priority(store, issue_id)
    async with connect(app, JIRA) as connector:
        assert await restore_remote(store, {JIRA["id"]: connector}) == []
    assert priority(store, issue_id) == (theirs, version + 1)
    assert marked(store) == {}
    assert all(w["method"] != "PUT" for w in app.state.writes)


@ONE_DIALECT
async def test_an_unreachable_service_keeps_the_mark_for_the_next_push(
    company: Any, store: Store
) -> None:
    app = jira.create_app(company)
    issue_id, theirs, ours = await jira_conflict(app, store)
    resolve_conflict(store, conflicted(store), "discard")
    async with connect(app, JIRA, token="revoked") as connector:
        [problem] = await restore_remote(store, {JIRA["id"]: connector})
    assert "jira:acme" in problem and "revoked" not in problem
    assert priority(store, issue_id)[0] == ours and issue_id in marked(store)
    report = await run_push(app, store, JIRA)
    assert report.ok and not report.errors
    assert priority(store, issue_id)[0] == theirs and marked(store) == {}


@ONE_DIALECT
async def test_a_newer_unsent_edit_keeps_its_value(company: Any, store: Store) -> None:
    app = jira.create_app(company)
    issue_id, theirs, ours = await jira_conflict(app, store)
    resolve_conflict(store, conflicted(store), "discard")
    newer = next(p for p in ("High", "Low") if p not in (theirs, ours))
    triage.set_priority(store, issue_id, newer, "pat")
    async with connect(app, JIRA) as connector:
        assert await restore_remote(store, {JIRA["id"]: connector}) == []
    assert priority(store, issue_id)[0] == newer and marked(store) == {}


def tags(store: Store) -> list[str]:
    feedback = SQLModel.metadata.tables["feedback"]
    with store.read() as conn:
        return list(conn.execute(select(feedback.c.tags).where(feedback.c.id == TICKET)).scalar())


async def test_discard_restores_the_tags_from_zendesk(company: Any, store: Store) -> None:
    app = zendesk.create_app(company, incremental_per_minute=1000)
    await sync(app, store, ZENDESK, "orgs", "tickets")
    action = feedback_actions.Action("tag", add=("pm-triaged",))
    feedback_actions.apply(store, [TICKET], action, "pat")
    app.state.touch(5, tags=["vip", "escalated"])
    assert (await run_push(app, store, ZENDESK)).conflicts == 1
    assert "pm-triaged" in tags(store)
    resolve_conflict(store, conflicted(store), "discard")
    async with connect(app, ZENDESK) as connector:
        assert await restore_remote(store, {ZENDESK["id"]: connector}) == []
    assert sorted(tags(store)) == ["escalated", "vip"]
