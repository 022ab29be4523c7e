"""The sync engine on both dialects, driven by a scripted stand-in for a remote connector."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import pytest
from sqlalchemy import text

from prodops_tui.connectors.base import Page
from prodops_tui.connectors.errors import NetworkError
from prodops_tui.services import sync
from prodops_tui.services.sync import sync_connection
from prodops_tui.services.sync_lock import SyncLock
from prodops_tui.services.sync_pages import prefetched
from prodops_tui.store.store import Store, StoreError

CONN = "jira:acme"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def issue(number: int, *, minutes: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"{CONN}:{number}",
        "connection_id": CONN,
        "key": f"PROD-{number}",
        "summary": f"Issue {number}",
        "priority": "Medium",
        "labels": ["a"],
        "updated": T0 + timedelta(minutes=minutes),
        **fields,
    }


class ScriptedConnector:
    """Serves pages from a script; an exception in the script is raised at that point."""

    kind: ClassVar[str] = "jira"
    streams: ClassVar[tuple[str, ...]] = ("issues", "usage")

    def __init__(self, script: dict[str, list[Page | Exception]]) -> None:
        self.connection_id = CONN
        self.script = script
        self.cursors: list[tuple[str, str]] = []

    async def check(self) -> str:
        return "Pat"

    async def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        self.cursors.append((stream, cursor))
        for step in self.script.get(stream, []):
            if isinstance(step, Exception):
                raise step
            yield step


def _store_with_connection(url: str) -> Store:
    store = Store.open(url)
    row = {"id": CONN, "kind": "jira", "name": "Jira", "base_url": "http://127.0.0.1"}
    store.upsert("connection", [row])
    return store


def _scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql), params).scalar()


def _state(store: Store, stream: str) -> dict[str, Any]:
    with store.read() as conn:
        row = conn.execute(
            text("SELECT * FROM sync_state WHERE connection_id = :c AND stream = :s"),
            {"c": CONN, "s": stream},
        )
        return dict(row.mappings().one())


async def test_pages_are_committed_and_cursors_saved(db_url: str) -> None:
    store = _store_with_connection(db_url)
    pages: list[Page | Exception] = [
        Page("issue", [issue(1), issue(2)], cursor="c1"),
        Page("issue", [issue(3)], cursor="c2"),
    ]
    seen: list[tuple[str, int]] = []
    report = await sync_connection(
        store, ScriptedConnector({"issues": pages}), streams=["issues"], progress=_add(seen)
    )
    assert report.ok and report.changed == 3
    assert seen[-1] == ("issues", 3)  # pages fetched ahead may be written together
    state = _state(store, "issues")
    assert state["cursor"] == "c2" and state["last_error"] == ""
    assert state["last_success_at"] is not None and state["items_changed"] == 3
    connector = ScriptedConnector({"issues": []})
    await sync_connection(store, connector, streams=["issues"])
    assert connector.cursors == [("issues", "c2")]
    store.close()


def _add(seen: list[tuple[str, int]]) -> Any:
    return lambda stream, count: seen.append((stream, count))


async def test_a_failed_page_keeps_the_cursor_of_the_last_committed_one(db_url: str) -> None:
    store = _store_with_connection(db_url)
    failure = NetworkError("Jira: connection dropped while reading the page", service="jira")
    pages: list[Page | Exception] = [Page("issue", [issue(1)], cursor="c1"), failure]
    report = await sync_connection(store, ScriptedConnector({"issues": pages}))
    assert not report.ok
    assert report.streams[0].error == "Jira: connection dropped while reading the page"
    assert _scalar(store, "SELECT count(*) FROM issue") == 1
    state = _state(store, "issues")
    assert state["cursor"] == "c1"
    assert state["last_error"].startswith("Jira: connection dropped")
    assert state["last_error_at"] is not None and state["last_success_at"] is None
    store.close()


async def test_local_fields_and_pending_edits_survive_a_resync(db_url: str) -> None:
    store = _store_with_connection(db_url)
    await sync_connection(store, ScriptedConnector({"issues": [Page("issue", [issue(1)], "c1")]}))
    with store.write() as conn:
        conn.execute(text("UPDATE issue SET triage_state = 'accepted', priority = 'High'"))
        edit = {"op": "priority", "payload": {"name": "High"}, "base_version": "v1"}
        store.enqueue(conn, target=f"{CONN}:1", actor="pat", **edit)
    remote = issue(1, minutes=5, priority="Low", summary="Renamed", triage_state="untriaged")
    await sync_connection(store, ScriptedConnector({"issues": [Page("issue", [remote], "c2")]}))
    with store.read() as conn:
        row = conn.execute(text("SELECT summary, priority, triage_state FROM issue")).one()
    assert tuple(row) == ("Renamed", "High", "accepted")
    store.close()


async def test_deletions_and_tables_without_a_natural_key(db_url: str) -> None:
    store = _store_with_connection(db_url)
    usage = [{"event": "export", "day": date(2026, 3, 1), "count": 5, "unique_users": 2}]
    script: dict[str, list[Page | Exception]] = {
        "issues": [
            Page("issue", [issue(1), issue(2)], "c1"),
            Page("issue", [], "c2", deleted_ids=(f"{CONN}:2",)),
        ],
        "usage": [Page("usage_daily", usage, "u1"), Page("usage_daily", usage, "u2")],
    }
    report = await sync_connection(store, ScriptedConnector(script))
    assert report.ok and report.streams[0].deleted == 1
    assert _scalar(store, "SELECT count(*) FROM issue WHERE deleted") == 1
    assert _scalar(store, "SELECT count FROM usage_daily WHERE event = 'export'") == 5
    store.close()


async def test_one_process_syncs_a_connection_at_a_time(db_url: str) -> None:
    store = _store_with_connection(db_url)
    held = SyncLock(store, CONN)
    assert await asyncio.to_thread(held.acquire) is None
    try:
        report = await sync_connection(store, ScriptedConnector({}))
        assert not report.ok and report.busy.startswith("already syncing (pid ")
    finally:
        held.release()
    assert (await sync_connection(store, ScriptedConnector({}))).ok
    store.close()


async def test_an_unknown_stream_is_reported(sqlite_url: str) -> None:
    store = _store_with_connection(sqlite_url)
    report = await sync_connection(store, ScriptedConnector({}), streams=["nope"])
    assert "no stream 'nope'" in report.streams[0].error
    store.close()


async def test_a_failure_inside_the_page_transaction_leaves_neither_rows_nor_cursor(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store_with_connection(db_url)

    def fail(*_args: Any) -> None:
        raise StoreError("disk full while saving the cursor")

    monkeypatch.setattr(sync, "_save_state_in", fail)
    pages: list[Page | Exception] = [Page("issue", [issue(1), issue(2)], cursor="c1")]
    report = await sync_connection(store, ScriptedConnector({"issues": pages}))
    assert report.streams[0].error == "disk full while saving the cursor"
    assert _scalar(store, "SELECT count(*) FROM issue") == 0
    assert _state(store, "issues")["cursor"] == ""
    store.close()


async def test_a_first_sync_loads_in_bulk_and_leaves_search_working(sqlite_url: str) -> None:
    store = _store_with_connection(sqlite_url)
    pages: list[Page | Exception] = [
        Page("issue", [issue(1, summary="Dark mode")], "c1"),
        Page("issue", [issue(2)], "c2"),
    ]
    assert (await sync_connection(store, ScriptedConnector({"issues": pages}))).ok
    sql = "SELECT count(*) FROM issue_fts WHERE issue_fts MATCH 'dark'"
    assert _scalar(store, sql) == 1
    assert _scalar(store, "SELECT count(*) FROM workspace_meta WHERE key LIKE 'fts.bulk:%'") == 0
    triggers = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'issue_fts_%'"
    )
    assert _scalar(store, triggers) == 3
    store.close()


async def _pages(items: list[Page | Exception]) -> AsyncIterator[Page]:
    for item in items:
        await asyncio.sleep(0)
        if isinstance(item, Exception):
            raise item
        yield item


async def test_prefetched_merges_waiting_pages_in_order_but_not_across_deletions() -> None:
    pages: list[Page | Exception] = [
        Page("issue", [{"id": "a", "v": 1}], cursor="c1"),
        Page("issue", [{"id": "b"}, {"id": "a", "v": 2}], cursor="c2"),
        Page("issue", [{"id": "c"}], cursor="c3", deleted_ids=("b",)),
        Page("feedback", [{"id": "f"}], cursor="f1"),
    ]
    await asyncio.sleep(0)
    got = [page async for page in prefetched(_pages(pages), ahead_rows=8)]
    assert [p.cursor for p in got][-2:] == ["c3", "f1"]
    applied = {row["id"]: row for page in got for row in page.rows}
    assert applied["a"] == {"id": "a", "v": 2}  # merged or not, the later copy of `a` wins
    assert len(got) <= 4 and sum(len(p.rows) for p in got) <= 5
    assert got[-2].deleted_ids == ("b",) and got[-2].rows == [{"id": "c"}]


async def test_prefetched_fetches_ahead_by_rows_while_a_page_is_written() -> None:
    produced: list[int] = []

    async def source() -> AsyncIterator[Page]:
        for n in range(20):
            produced.append(n)
            await asyncio.sleep(0)
            yield Page("issue", [{"id": f"{n}:{i}"} for i in range(10)], cursor=str(n))

    pages = prefetched(source(), ahead_rows=25, merge_rows=10)
    first = await anext(pages)
    await asyncio.sleep(0.05)  # writing the first page: the fetches go on, up to 25 rows ahead
    # 1 yielded, 1 taken to try a merge, 3 waiting (30 rows), 1 more fetched and held for room
    assert first.cursor == "0" and len(produced) == 6
    rest = [page.cursor async for page in pages]
    assert rest == [str(n) for n in range(1, 20)] and len(produced) == 20


async def test_prefetched_raises_a_fetch_error_after_the_pages_before_it() -> None:
    failure = NetworkError("dropped", service="jira")
    pages: list[Page | Exception] = [Page("issue", [{"id": "a"}], cursor="c1"), failure]
    got: list[Page] = []
    with pytest.raises(NetworkError):
        async for page in prefetched(_pages(pages)):
            got.append(page)
    assert [p.cursor for p in got] == ["c1"]
