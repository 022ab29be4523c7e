"""Triage decisions pushed to the fake Jira, and undone after the push by compensating writes."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from prodops_tui.fakes.jira import create_app
from prodops_tui.services import triage
from prodops_tui.services.edits import badges
from prodops_tui.services.generator import generate
from prodops_tui.services.generator_text import PROJECTS
from prodops_tui.services.jira_lookups import (
    refresh_assignable,
    refresh_comments,
    refresh_transitions,
)
from prodops_tui.services.push import push
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import sync_connection
from prodops_tui.services.triage import Action, TriageError
from prodops_tui.services.triage_undo import undo_last
from prodops_tui.store.store import Store

CONN = "jira:acme"
ROW = {
    "id": CONN,
    "kind": "jira",
    "name": "Jira",
    "base_url": "https://acme.atlassian.net",
    "account": "ops@acme.example",
    "auth_method": "basic",
    "options": {"projects": [key for key, _ in PROJECTS], "poll_interval": 0},
}


async def no_wait(seconds: float) -> None:
    return None


@pytest.fixture
def app() -> Starlette:
    return create_app(generate("tiny", 7, date(2025, 1, 15)))


def connect(app: Starlette) -> Any:
    return open_connector(ROW, "fake-token", transport=httpx.ASGITransport(app=app), sleep=no_wait)


@pytest.fixture
async def store(db_url: str, app: Starlette) -> AsyncIterator[Store]:
    opened = Store.open(db_url)
    opened.upsert("connection", [ROW])
    async with connect(app) as connector:
        assert (await sync_connection(opened, connector)).ok
    yield opened
    opened.close()


async def run_push(app: Starlette, store: Store) -> Any:
    async with connect(app) as connector:
        return await push(store, {CONN: connector}, owner="test")


def to_do(store: Store, count: int) -> list[tuple[str, str]]:
    sql = "SELECT id, key FROM issue WHERE status = 'To Do' ORDER BY key LIMIT :n"
    with store.read() as conn:
        return [(i, k) for i, k in conn.execute(text(sql), {"n": count})]


def remote(app: Starlette, key: str) -> dict[str, Any]:
    found = app.state.data.find(key)
    assert found is not None
    return dict(found["fields"])


async def test_decisions_reach_the_fake_jira(app: Starlette, store: Store) -> None:
    (a, ka), (b, kb), (c, kc), (d, kd) = to_do(store, 4)
    triage.accept(store, a, "pat")
    triage.decline(store, b, "Not our product", "pat")
    triage.duplicate_of(store, c, d, "pat")
    triage.labels(store, d, "pat", add=["triaged"])
    report = await run_push(app, store)
    assert report.ok and report.done == 6, report.errors
    assert remote(app, ka)["status"]["name"] == "Selected for Development"
    assert remote(app, kb)["status"]["name"] == "Declined"
    comments = app.state.data.comments[app.state.data.keys[kb]]
    assert "Not our product" in str(comments[-1]["body"])
    assert remote(app, kc)["status"]["name"] == "Duplicate"
    [link] = remote(app, kc)["issuelinks"]
    assert (link["type"]["name"], link["outwardIssue"]["key"]) == ("Duplicate", kd)
    assert "triaged" in remote(app, kd)["labels"]


async def test_undo_after_push_reverts_in_jira(app: Starlette, store: Store) -> None:
    (a, ka), (b, kb) = to_do(store, 2)
    before = remote(app, ka)["priority"]["name"]
    wanted = "Lowest" if before != "Lowest" else "Highest"
    triage.batch(store, [a, b], Action("priority", wanted), "pat")
    assert (await run_push(app, store)).done == 2
    assert remote(app, ka)["priority"]["name"] == wanted
    undone = undo_last(store, "pat")
    assert undone.compensating == 2 and undone.dropped == 0
    assert (await run_push(app, store)).ok
    assert remote(app, ka)["priority"]["name"] == before
    triage.decline(store, b, "Later", "pat")
    assert (await run_push(app, store)).done == 2
    undo_last(store, "pat")
    report = await run_push(app, store)
    assert report.ok and report.done == 2, report.errors
    assert remote(app, kb)["status"]["name"] == "To Do"
    assert app.state.data.comments.get(app.state.data.keys[kb], []) == []


async def test_an_issue_deleted_remotely(app: Starlette, store: Store) -> None:
    [(a, ka)] = to_do(store, 1)
    triage.comment(store, a, "hello", "pat")
    app.state.delete(ka)
    report = await run_push(app, store)
    assert report.rejected == 1
    with pytest.raises(TriageError, match=f"{ka} was deleted in Jira"):
        triage.accept(store, a, "pat")
    assert badges(store) == {a: "deleted"}
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM decision")).scalar() == 1


async def test_lookups_cache_transitions_comments_and_people(app: Starlette, store: Store) -> None:
    [(a, ka)] = to_do(store, 1)
    async with connect(app) as jira:
        moves = await refresh_transitions(store, jira, a)
        assert {"to": "Declined", "category": "done", "id": "51"}.items() <= moves[1].items()
        with pytest.raises(TriageError, match="no longer offers a move from To Do to Done"):
            triage.transition(store, a, "Done", "pat")
        triage.comment(store, a, "Needs **design**", "pat")
        assert await refresh_comments(store, jira, a) == 0
        assert (await run_push(app, store)).done == 1
        assert await refresh_comments(store, jira, a) == 1
        people = await refresh_assignable(store, jira, a)
    with store.read() as conn:
        bodies = conn.execute(text("SELECT body, remote_id FROM comment")).all()
        cached = conn.execute(text("SELECT count(*) FROM person")).scalar()
    assert [b for b, _ in bodies] == ["Needs **design**"] and bodies[0][1].isdigit()
    assert people and cached == len(people)
