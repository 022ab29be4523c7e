"""push() and resolve_conflict() against the fake Zendesk on both dialects."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from prodops_tui.fakes.zendesk import Fault, create_app
from prodops_tui.services.generator import generate
from prodops_tui.services.push import connection_for, push, resolve_conflict
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store, StoreError

DAY = date(2025, 1, 15)
CONN = "zendesk:acme"
TARGET = f"{CONN}:ticket:5"
ROW = {
    "id": CONN,
    "kind": "zendesk",
    "name": "Zendesk",
    "base_url": "https://acme.zendesk.com",
    "account": "ops@acme.example",
    "auth_method": "oauth",
    "options": {"subdomain": "acme", "incremental_per_minute": 1000},
}


async def no_wait(seconds: float) -> None:
    return None


@pytest.fixture
def app() -> Starlette:
    return create_app(generate("tiny", 7, DAY), incremental_per_minute=1000)


@pytest.fixture
async def store(db_url: str, app: Starlette) -> Any:
    opened = Store.open(db_url)
    opened.upsert("connection", [ROW])
    async with connect(app) as connector:
        assert (await sync_connection(opened, connector, streams=["orgs", "tickets"])).ok
    yield opened
    opened.close()


def connect(app: Starlette, token: str = "fake-token") -> Any:
    transport = httpx.ASGITransport(app=app)
    return open_connector(ROW, token, transport=transport, sleep=no_wait)


def enqueue_tags(store: Store, add: list[str], base: str | None = None) -> str:
    with store.write() as conn:
        stamp = conn.execute(
            text("SELECT updated_stamp FROM feedback WHERE id = :i"), {"i": TARGET}
        ).scalar()
        payload = {"add": add, "remove": []}
        version = stamp if base is None else base
        return store.enqueue(
            conn, target=TARGET, op="tags", payload=payload, base_version=version, actor="pat"
        )


def outbox(store: Store, edit_id: str) -> dict[str, Any]:
    with store.read() as conn:
        row = conn.execute(text("SELECT * FROM outbox WHERE id = :i"), {"i": edit_id})
        return dict(row.mappings().one())


async def run_push(app: Starlette, store: Store, token: str = "fake-token") -> Any:
    async with connect(app, token) as connector:
        return await push(store, {CONN: connector}, owner="test")


async def test_a_tag_edit_reaches_the_fake(app: Starlette, store: Store) -> None:
    first = enqueue_tags(store, ["pm-triaged"])
    second = enqueue_tags(store, ["pm-followup"])
    report = await run_push(app, store)
    assert report.done == 2 and report.ok
    assert [w["body"]["ticket"]["additional_tags"] for w in app.state.writes] == [
        ["pm-triaged"],
        ["pm-followup"],
    ]
    assert all(w["body"]["ticket"]["safe_update"] for w in app.state.writes)
    assert outbox(store, first)["state"] == "done" and outbox(store, first)["remote_id"]
    assert outbox(store, second)["state"] == "done"
    assert {"pm-triaged", "pm-followup"} <= set(app.state.data.tickets[5]["tags"])


async def test_a_remote_change_becomes_a_conflict_then_reapply(
    app: Starlette, store: Store
) -> None:
    edit_id = enqueue_tags(store, ["pm-triaged"])
    app.state.touch(5, subject="Changed in Zendesk")
    report = await run_push(app, store)
    assert report.conflicts == 1 and not report.ok
    row = outbox(store, edit_id)
    assert row["state"] == "conflict" and "changed since" in row["error"]
    assert "pm-triaged" not in app.state.data.tickets[5]["tags"]
    assert app.state.data.tickets[5]["subject"] == "Changed in Zendesk"
    resolve_conflict(store, edit_id, "reapply")
    assert outbox(store, edit_id)["state"] == "pending"
    assert (await run_push(app, store)).done == 1
    assert "pm-triaged" in app.state.data.tickets[5]["tags"]


async def test_discard_closes_the_edit_without_sending(app: Starlette, store: Store) -> None:
    edit_id = enqueue_tags(store, ["pm-triaged"], base="2020-01-01T00:00:00Z")
    assert (await run_push(app, store)).conflicts == 1
    resolve_conflict(store, edit_id, "discard")
    assert outbox(store, edit_id)["state"] == "rejected"
    writes = len(app.state.writes)
    assert (await run_push(app, store)).done == 0
    assert len(app.state.writes) == writes
    with pytest.raises(StoreError, match="not in conflict"):
        resolve_conflict(store, edit_id, "reapply")


async def test_a_refused_token_pauses_the_connection(app: Starlette, store: Store) -> None:
    edit_id = enqueue_tags(store, ["pm-triaged"])
    report = await run_push(app, store, token="wrong")
    assert CONN in report.paused and report.done == 0
    row = outbox(store, edit_id)
    assert row["state"] == "pending" and row["error"]
    assert not app.state.writes
    assert (await run_push(app, store)).done == 1


async def test_an_outage_reschedules_the_edit(app: Starlette, store: Store) -> None:
    edit_id = enqueue_tags(store, ["pm-triaged"])
    app.state.faults.extend(Fault("status", 503, path="/api/v2/tickets") for _ in range(6))
    report = await run_push(app, store)
    assert report.retrying == 1
    row = outbox(store, edit_id)
    assert row["state"] == "pending" and row["next_attempt_at"] is not None
    assert (await run_push(app, store)).done == 0


def test_targets_map_to_the_longest_connection_prefix() -> None:
    ids = ["jira:acme", "jira:acme-eu", "zendesk:acme"]
    assert connection_for("jira:acme-eu:10001", ids) == "jira:acme-eu"
    assert connection_for("jira:acme:10001", ids) == "jira:acme"
    assert connection_for("mixpanel:acme:nps:1", ids) is None
