"""The write side of the workspace: open (with safety checks and migrations), bulk upserts,
write transactions and the outbox. Reads for the UI live in `reads` (plain DB-API)."""

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import Insert
from sqlmodel import SQLModel

from prodops_tui.config.load import os_user
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store import notify, outbox
from prodops_tui.store.engine import (
    FTS_BULK_KEY,
    FTS_SOURCES,
    READ_OPTION,
    StoreError,
    fts_restore,
    fts_suspend,
    mask_url,
    one_line,
)
from prodops_tui.store.migrate import open_engine
from prodops_tui.store.sqlite_bulk import CompiledUpsert, compile_upsert

__all__ = ["Store", "StoreError"]

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "issue": ("id",),
    "feedback": ("id",),
    "experiment": ("id",),
    "tool": ("id",),
    "org": ("id",),
    "connection": ("id",),
    "outbox": ("id",),
    "triage_session": ("id",),
    "workspace_meta": ("key",),
    "sync_state": ("connection_id", "stream"),
    "evidence": ("feedback_id", "issue_id"),
    "saved_view": ("screen", "name"),
    "usage_daily": ("event", "day"),
    "person": ("connection_id", "account_id"),
}
SKIP_UNCHANGED = frozenset({"issue", "feedback"})
"""Tables whose upsert skips rows whose remote `updated` did not move forward."""


class Store:
    """One workspace database: SQLite file or PostgreSQL database."""

    def __init__(self, url: str, engine: Engine, *, read_only: bool) -> None:
        self.url = url
        self.read_only = read_only
        self.dialect = engine.dialect.name
        self._engine = engine
        self.origin = notify.new_origin()
        """Names this Store in the change notices its writes send (PostgreSQL)."""
        self.actor = os_user()
        """Who works through this Store (the app sets the configured name): the sync lock
        records it."""
        self._statements: dict[tuple[str, tuple[str, ...]], Insert] = {}
        self._compiled_upserts: dict[tuple[Any, ...], CompiledUpsert | None] = {}

    @classmethod
    def open(cls, url: str, *, read_only: bool = False, create: bool = True) -> "Store":
        """Open (creating and upgrading unless read-only) a workspace; StoreError if unusable."""
        try:
            engine = open_engine(url, read_only=read_only, create=create)
        except StoreError:
            raise
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"cannot open workspace {mask_url(url)}: {one_line(exc, url)}"
            ) from None
        store = cls(url, engine, read_only=read_only)
        if store.dialect == "sqlite" and not read_only:
            store.restore_search()
        return store

    def restore_search(self) -> list[str]:
        """Finish a bulk load a dead process left half done: recreate its FTS triggers and
        rebuild the index (one cheap read when there is nothing to do); the tables restored."""
        with self.read() as conn:
            pending = conn.exec_driver_sql(
                "SELECT 1 FROM workspace_meta WHERE key LIKE ?", (FTS_BULK_KEY + "%",)
            ).first()
        if pending is None:
            return []
        with self.write() as conn:
            return fts_restore(conn)

    @contextmanager
    def bulk_load(self, table: str) -> Iterator[None]:
        """Write many rows into `table` without per-row full-text work (SQLite, issue/feedback).

        Drops the FTS5 insert/update triggers on entry and, on exit (also after an error),
        recreates them and rebuilds the index once. Meanwhile other readers see the new rows
        without search hits. Crash-safe: the dropped triggers' SQL is kept in workspace_meta in
        the same transaction, and the next `Store.open` (or bulk load) restores them. A no-op on
        PostgreSQL (a generated tsvector column needs no triggers)."""
        if self.dialect != "sqlite" or table not in FTS_SOURCES:
            yield
            return
        with self.write() as conn:
            fts_suspend(conn, table)
        try:
            yield
        finally:
            with self.write() as conn:
                fts_restore(conn, table)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite), rolled back on any exception; on
        PostgreSQL it tells the other members at commit (store/notify.py)."""
        if self.read_only:
            raise StoreError("the workspace is open read-only")
        with self._engine.connect() as conn:
            conn.info.pop(notify.CHANGE_INFO, None)
            trans = conn.begin()
            try:
                if self.dialect == "postgresql":
                    _serialise_writers(conn)
                yield conn
                if self.dialect == "postgresql":
                    notify.announce(conn, self.origin)
                trans.commit()
            except BaseException:
                _rollback(conn)
                raise

    @contextmanager
    def session(self) -> Iterator[Connection]:
        """A connection outside any transaction (autocommit), to hold a session-level lock."""
        with self._engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction (plain BEGIN: it never takes SQLite's write lock)."""
        with self._engine.connect() as conn:
            conn.execution_options(**{READ_OPTION: True})
            with conn.begin():
                yield conn

    def upsert(self, table: str, rows: Iterable[Mapping[str, Any]], *, batch: int = 500) -> int:
        """Insert or update rows on the table's natural key, one transaction per batch.

        Only the columns present in a row are updated (local-only fields survive a sync);
        issue/feedback rows whose `updated` did not move forward are skipped. Returns the number
        of rows inserted or changed."""
        if table not in NATURAL_KEYS:
            raise StoreError(f"no upsert for table {table!r}")
        written = 0
        iterator = iter(rows)
        while chunk := list(islice(iterator, max(batch, 1))):
            with self.write() as conn:
                written += self.upsert_in(conn, table, chunk)
        return written

    def upsert_in(self, conn: Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """`upsert` inside the caller's open write transaction (no batching, no commit)."""
        if table not in NATURAL_KEYS:
            raise StoreError(f"no upsert for table {table!r}")
        target = SQLModel.metadata.tables[table]
        written = 0
        for columns, group in _group_by_columns(list(rows)).items():
            _fill_json_defaults(target, columns, group)
            written += self._execute(conn, target, columns, group)
        return written

    def _execute(
        self, conn: Connection, target: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]
    ) -> int:
        """Run one grouped upsert; the rows actually written (psycopg's executemany rowcount is
        not summed, so PostgreSQL counts the RETURNING rows of its batched VALUES)."""
        if self.dialect == "sqlite":
            fast = self._compiled(conn, target, columns, tuple(rows[0]))
            if fast is not None:
                return fast.execute(conn, rows)
            return max(conn.execute(self._statement(target, columns), rows).rowcount, 0)
        result = conn.execute(self._statement(target, columns), rows)
        return len(result.fetchall())

    def _compiled(
        self, conn: Connection, target: Table, columns: tuple[str, ...], given: tuple[str, ...]
    ) -> CompiledUpsert | None:
        """The SQLite fast path for rows with the keys `given` (the updated `columns` plus the
        JSON defaults filled in for new rows)."""
        cache_key = (target.name, columns, given)
        if cache_key not in self._compiled_upserts:
            statement = self._statement(target, columns)
            self._compiled_upserts[cache_key] = compile_upsert(conn, target, statement, given)
        return self._compiled_upserts[cache_key]

    def _statement(self, target: Table, columns: tuple[str, ...]) -> Insert:
        cache_key = (target.name, columns)
        if cache_key not in self._statements:
            self._statements[cache_key] = _upsert_statement(self.dialect, target, columns)
        return self._statements[cache_key]

    def enqueue(
        self,
        conn: Connection,
        *,
        target: str,
        op: str,
        payload: dict[str, Any],
        base_version: str,
        actor: str,
    ) -> str:
        """Add an outbox row in the caller's write transaction; returns its UUID."""
        return outbox.enqueue(
            conn, target=target, op=op, payload=payload, base_version=base_version, actor=actor
        )

    def lease_outbox(self, owner: str, limit: int, lease_seconds: int) -> list[dict[str, Any]]:
        """Lease up to `limit` due outbox rows to `owner` for `lease_seconds`."""
        with self.write() as conn:
            return outbox.lease(
                conn, dialect=self.dialect, owner=owner, limit=limit, lease_seconds=lease_seconds
            )

    def finish_outbox(
        self,
        id: str,
        state: str,
        error: str = "",
        remote_id: str = "",
        *,
        retry_at: datetime | None = None,
    ) -> None:
        """Close a leased outbox row (done/conflict/rejected) or return it to pending."""
        with self.write() as conn:
            outbox.finish(conn, id, state, error=error, remote_id=remote_id, retry_at=retry_at)

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()


WRITE_LOCK = (0x70726F64, 1)
"""The advisory lock every PostgreSQL write transaction holds (two int4 keys: a key space apart
from the single-bigint sync locks)."""


def _serialise_writers(conn: Connection) -> None:
    """One writer at a time, as SQLite's BEGIN IMMEDIATE gives: under PostgreSQL's READ
    COMMITTED a read-then-write (a version check, a counter) would otherwise lose updates."""
    conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, %s)", WRITE_LOCK)


def _rollback(conn: Connection) -> None:
    """Roll back after a failed body or commit; drop the connection if even that fails, so no
    half-open transaction is committed later by the pool's next user (ghost commit)."""
    try:
        conn.rollback()
        raw = conn.connection.dbapi_connection
        if isinstance(raw, sqlite3.Connection) and raw.in_transaction:
            raw.rollback()
    except Exception:  # the original error is the one to report
        conn.invalidate()


def _group_by_columns(
    chunk: list[Mapping[str, Any]],
) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in chunk:
        groups.setdefault(tuple(sorted(row)), []).append(dict(row))
    return groups


@cache
def _json_defaults(table: str) -> dict[str, Callable[[], Any]]:
    """Factories for the table's NOT NULL JSON columns, which have no SQL-side default."""
    for mapper in SQLModel._sa_registry.mappers:
        model = mapper.class_
        if getattr(model, "__tablename__", None) != table:
            continue
        return {
            name: field.default_factory
            for name, field in model.model_fields.items()
            if field.default_factory is not None
            and name in mapper.local_table.c
            and isinstance(mapper.local_table.c[name].type, JSON)
            and not mapper.local_table.c[name].nullable
        }
    return {}


def _fill_json_defaults(
    target: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Give new rows their empty JSON values; an update still only touches `columns`."""
    missing = {c: f for c, f in _json_defaults(target.name).items() if c not in columns}
    for row in rows:
        for column, factory in missing.items():
            row[column] = factory()


def _upsert_statement(dialect: str, target: Table, columns: tuple[str, ...]) -> Insert:
    unknown = [c for c in columns if c not in target.c]
    if unknown:
        raise StoreError(f"unknown column(s) for {target.name}: {', '.join(unknown)}")
    keys = NATURAL_KEYS[target.name]
    stmt = (sqlite_insert if dialect == "sqlite" else pg_insert)(target)
    updates: dict[str, Any] = {
        c: stmt.excluded[c] for c in columns if c not in keys and c not in ("seq", "id")
    }
    if "version" in target.c and updates:
        updates["version"] = target.c.version + 1
    where = None
    if target.name in SKIP_UNCHANGED and "updated" in columns:
        where = stmt.excluded.updated > target.c.updated
    upsert = (
        stmt.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)
        if updates
        else stmt.on_conflict_do_nothing(index_elements=list(keys))
    )
    return upsert.returning(target.c[keys[0]]) if dialect == "postgresql" else upsert
