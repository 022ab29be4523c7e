"""sync_connection against the fake Zendesk on both dialects, through the registry."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from prodops_tui.fakes.zendesk import Fault, create_app
from prodops_tui.services.generator import generate
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)
CONN = "zendesk:acme"
ROW = {
    "id": CONN,
    "kind": "zendesk",
    "name": "Zendesk",
    "base_url": "https://acme.zendesk.com",
    "account": "ops@acme.example",
    "auth_method": "oauth",
    "options": {"subdomain": "acme", "per_page": 25, "incremental_per_minute": 1000},
}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def no_wait(seconds: float) -> None:
    return None


@pytest.fixture
def clock() -> Clock:
    return Clock(generate("tiny", 7, DAY).spec.now_ts + 3600)


@pytest.fixture
def app(clock: Clock) -> Starlette:
    return create_app(generate("tiny", 7, DAY), clock=clock, incremental_per_minute=1000)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    opened.upsert("connection", [ROW])
    yield opened
    opened.close()


def connect(app: Starlette, **hooks: Any) -> Any:
    transport = httpx.ASGITransport(app=app)
    return open_connector(ROW, "fake-token", transport=transport, sleep=no_wait, **hooks)


def count(store: Store, sql: str) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql)).scalar()


async def sync(app: Starlette, store: Store, **kw: Any) -> Any:
    async with connect(app) as connector:
        return await sync_connection(store, connector, **kw)


async def test_first_sync_fills_feedback_and_orgs(app: Starlette, store: Store) -> None:
    company = generate("tiny", 7, DAY)
    report = await sync(app, store)
    assert report.ok, report
    tickets = sum(1 for r in company.feedback() if r["kind"] == "ticket")
    assert count(store, "SELECT count(*) FROM feedback WHERE kind = 'ticket'") == tickets
    assert count(store, "SELECT count(*) FROM org") == sum(1 for _ in company.orgs())
    assert count(store, "SELECT count(*) FROM feedback WHERE kind = 'csat'") > 0
    streams = count(store, "SELECT count(*) FROM sync_state WHERE last_success_at IS NOT NULL")
    assert streams == 4


async def test_a_second_sync_changes_only_the_touched_ticket(
    app: Starlette, store: Store, clock: Clock
) -> None:
    await sync(app, store)
    app.state.touch(5, subject="Reworded remotely")
    clock.now += 61
    report = await sync(app, store, streams=["tickets"])
    assert report.changed == 1
    subject = count(store, f"SELECT subject FROM feedback WHERE id = '{CONN}:ticket:5'")
    assert subject == "Reworded remotely"


async def test_a_fault_on_page_two_keeps_page_one_and_its_cursor(
    app: Starlette, store: Store
) -> None:
    seen: list[str] = []

    async def fail_second_page(response: httpx.Response) -> None:
        if response.request.url.path.startswith("/api/v2/incremental/tickets"):
            seen.append(str(response.request.url))
            if len(seen) == 1:
                app.state.faults.append(Fault("truncated", path="/api/v2/incremental/tickets"))

    async with connect(app, event_hooks={"response": [fail_second_page]}) as connector:
        report = await sync_connection(store, connector, streams=["tickets"])
    assert not report.ok and report.streams[0].pages == 1
    assert count(store, "SELECT count(*) FROM feedback") == 25
    saved = count(store, "SELECT cursor FROM sync_state WHERE stream = 'tickets'")
    assert saved == report.streams[0].cursor and saved
    assert count(store, "SELECT last_error FROM sync_state WHERE stream = 'tickets'")
    again = await sync(app, store, streams=["tickets"])
    assert again.ok
    tickets = sum(1 for r in generate("tiny", 7, DAY).feedback() if r["kind"] == "ticket")
    assert count(store, "SELECT count(*) FROM feedback") == tickets


async def test_local_state_and_pending_tags_survive_a_resync(
    app: Starlette, store: Store, clock: Clock
) -> None:
    await sync(app, store)
    target = f"{CONN}:ticket:5"
    with store.write() as conn:
        conn.execute(text(f"UPDATE feedback SET state = 'processed' WHERE id = '{target}'"))
        conn.execute(text(f"""UPDATE feedback SET tags = '["ours"]' WHERE id = '{target}'"""))
        edit = {"op": "tags", "payload": {"add": ["ours"], "remove": []}, "base_version": "x"}
        store.enqueue(conn, target=target, actor="pat", **edit)
    app.state.touch(5, subject="Reworded remotely", tags=["theirs"])
    clock.now += 61
    assert (await sync(app, store, streams=["tickets"])).ok
    with store.read() as conn:
        row = conn.execute(
            text(f"SELECT subject, state, tags FROM feedback WHERE id = '{target}'")
        ).one()
    assert row[0] == "Reworded remotely" and row[1] == "processed"
    assert row[2] in (["ours"], '["ours"]')
