"""Pull sync: one code path for the CLI and the TUI's background worker.

Each stream resumes from its saved cursor; every page (bulk upsert, deletions) and its cursor are
committed in one write transaction, so a failure never moves a cursor past unsaved data. Fields
with a pending or inflight outbox edit are not overwritten, and local-only fields never are.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from prodops_tui.connectors.base import Page
from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.edited_columns import pending_columns
from prodops_tui.services.experiments import refresh_conflicts
from prodops_tui.services.scoring import rescore_usage
from prodops_tui.services.sync_lock import SyncLock
from prodops_tui.services.sync_pages import fewer_collections, prefetched
from prodops_tui.services.sync_reconcile import mark_deleted, reconcile
from prodops_tui.services.sync_scores import mark_unscored, rescore_left_over, rescore_synced
from prodops_tui.store.engine import one_line
from prodops_tui.store.store import Store, StoreError

__all__ = ["Connector", "StreamReport", "SyncReport", "sync_connection"]

Progress = Callable[[str, int], None]
"""progress(stream, rows received so far in that stream), called after each page."""

LOCAL_ONLY: dict[str, frozenset[str]] = {
    "issue": frozenset(
        {"seq", "version", "triage_state", "snoozed_until", "reach", "impact", "confidence"}
        | {"effort", "score", "duplicate_of"}
    ),
    "feedback": frozenset({"seq", "version", "state", "snoozed_until"}),
}
"""Ours, not the service's: a page never writes these."""


class Connector(Protocol):
    """What the sync engine needs from a service connector."""

    kind: ClassVar[str]
    streams: ClassVar[tuple[str, ...]]
    connection_id: str

    async def check(self) -> str: ...

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]: ...


@dataclass
class StreamReport:
    """What one stream did in one run."""

    stream: str
    pages: int = 0
    received: int = 0
    changed: int = 0
    deleted: int = 0
    cursor: str = ""
    error: str = ""


@dataclass
class SyncReport:
    """What a sync of one connection did; `busy` names the other process if it did not run."""

    connection_id: str
    streams: list[StreamReport] = field(default_factory=list)
    busy: str = ""

    @property
    def ok(self) -> bool:
        return not self.busy and not any(s.error for s in self.streams)

    @property
    def changed(self) -> int:
        return sum(s.changed for s in self.streams)


def utcnow() -> datetime:
    return datetime.now(UTC)


async def sync_connection(
    store: Store,
    connector: Connector,
    *,
    streams: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Pull every stream (or the named ones) of one connection into the store."""
    report = SyncReport(connector.connection_id)
    lock = SyncLock(store, connector.connection_id)
    holder = await asyncio.to_thread(lock.acquire)
    if holder is not None:
        report.busy = f"already syncing ({holder})"
        return report
    try:
        for stream in connector.streams if streams is None else streams:
            report.streams.append(await _sync_stream(store, connector, stream, progress))
    finally:
        await asyncio.to_thread(lock.release)
    return report


async def _sync_stream(
    store: Store, connector: Connector, stream: str, progress: Progress | None
) -> StreamReport:
    result = StreamReport(stream)
    conn_id = connector.connection_id
    bulk = _BulkLoads(store)
    written: list[str] = []  # issue ids, rescored once the pages are in
    try:
        if stream not in connector.streams:
            raise ConnectorError(f"{connector.kind} has no stream {stream!r}", service=conn_id)
        result.cursor = await asyncio.to_thread(_read_cursor, store, conn_id, stream)
        first_sync = not result.cursor
        await asyncio.to_thread(rescore_left_over, store, conn_id)
        with fewer_collections():
            await _pull_pages(store, connector, stream, result, bulk, written, progress)
        await asyncio.to_thread(bulk.finish)
        await asyncio.to_thread(rescore_synced, store, conn_id, written)
        result.deleted += await reconcile(store, connector, stream, first_sync)
    except (ConnectorError, StoreError, SQLAlchemyError) as exc:
        with suppress(StoreError, SQLAlchemyError):  # else the next Store.open restores search
            await asyncio.to_thread(bulk.finish)
        with suppress(StoreError, SQLAlchemyError):  # else the mark rescores at the next sync
            await asyncio.to_thread(rescore_synced, store, conn_id, written)
        result.error = one_line(exc, store.url) if isinstance(exc, SQLAlchemyError) else str(exc)
        state = {"last_error": result.error, "last_error_at": utcnow()}
        await asyncio.to_thread(_save_state, store, conn_id, stream, state)
        return result
    done = {"last_success_at": utcnow(), "last_error": "", "items_changed": result.changed}
    await asyncio.to_thread(_save_state, store, conn_id, stream, done)
    if (result.changed or result.deleted) and connector.kind == "growthbook":
        await asyncio.to_thread(refresh_conflicts, store)  # dates may have moved
    if result.changed and connector.kind == "mixpanel":
        await asyncio.to_thread(rescore_usage, store)  # reach counts the usage of an event
    return result


async def _pull_pages(
    store: Store,
    connector: Connector,
    stream: str,
    result: StreamReport,
    bulk: "_BulkLoads",
    written: list[str],
    progress: Progress | None,
) -> None:
    """Commit each page with its cursor; a first sync (no cursor) loads in bulk."""
    first_sync = not result.cursor
    async for page in prefetched(connector.pull(stream, result.cursor)):
        if first_sync and page.table in BULK_TABLES and page.table not in bulk.loading:
            await asyncio.to_thread(bulk.start, page.table)
        state = {"connection_id": connector.connection_id, "stream": stream}
        state["cursor"] = page.cursor
        changed, deleted = await asyncio.to_thread(_commit_page, store, page, state, result.changed)
        if page.table == "issue":
            written.extend(str(row["id"]) for row in page.rows)
        result.pages += 1
        result.received += len(page.rows)
        result.changed += changed
        result.deleted += deleted
        result.cursor = page.cursor
        if progress:
            progress(stream, result.received)


BULK_TABLES = frozenset({"issue", "feedback"})
"""Tables a first sync (empty cursor) loads in bulk: full-text index rebuilt once at the end."""


class _BulkLoads:
    """The `Store.bulk_load`s one stream has entered; `finish` ends them (index rebuilt)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.loading: set[str] = set()
        self._stack = ExitStack()

    def start(self, table: str) -> None:
        self.loading.add(table)
        self._stack.enter_context(self.store.bulk_load(table))

    def finish(self) -> None:
        self._stack.close()


def _read_cursor(store: Store, connection_id: str, stream: str) -> str:
    table = SQLModel.metadata.tables["sync_state"]
    query = select(table.c.cursor).where(
        table.c.connection_id == connection_id, table.c.stream == stream
    )
    with store.read() as conn:
        cursor = conn.execute(query).scalar()
    return str(cursor or "")


def _save_state(store: Store, connection_id: str, stream: str, values: dict[str, Any]) -> None:
    store.upsert("sync_state", [{"connection_id": connection_id, "stream": stream, **values}])


def _commit_page(
    store: Store, page: Page, state: dict[str, Any], changed_before: int
) -> tuple[int, int]:
    """Write one page and its cursor in one transaction; (rows written, rows marked deleted)."""
    rows = _without_local_fields(page.table, page.rows)
    if page.table in ("issue", "feedback"):
        rows = _without_edited_fields(rows, pending_columns(store))
    with store.write() as conn:
        if page.table == "feedback":
            _ensure_orgs(conn, store.dialect, {r["org_id"] for r in rows if r.get("org_id")})
        changed = store.upsert_in(conn, page.table, rows) if rows else 0
        if page.table == "issue" and rows:
            mark_unscored(store, conn, str(state["connection_id"]))
        deleted = mark_deleted(conn, page.table, page.deleted_ids) if page.deleted_ids else 0
        _save_state_in(store, conn, {**state, "items_changed": changed_before + changed})
    return changed, deleted


def _save_state_in(store: Store, conn: Connection, state: dict[str, Any]) -> None:
    """Save a stream's cursor inside the page's write transaction."""
    store.upsert_in(conn, "sync_state", [state])


def _without_local_fields(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    local = LOCAL_ONLY.get(table, frozenset({"seq"}))
    return [
        row if local.isdisjoint(row) else {k: v for k, v in row.items() if k not in local}
        for row in rows
    ]


def _without_edited_fields(
    rows: list[dict[str, Any]], pending: dict[str, set[str]]
) -> list[dict[str, Any]]:
    if not pending:
        return rows
    return [
        {k: v for k, v in row.items() if k not in pending[row["id"]]}
        if row.get("id") in pending
        else row
        for row in rows
    ]


def _ensure_orgs(conn: Connection, dialect: str, org_ids: set[str]) -> None:
    """Add orgs that tickets name before the org stream has brought them (name filled later)."""
    if not org_ids:
        return
    target = SQLModel.metadata.tables["org"]
    stmt = (sqlite_insert if dialect == "sqlite" else pg_insert)(target)
    rows = [{"id": org_id, "name": "", "tier": "free", "arr": 0.0} for org_id in sorted(org_ids)]
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["id"]), rows)
