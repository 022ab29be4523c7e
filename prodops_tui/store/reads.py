"""The UI's fast read path on the plain DB-API drivers: pages, counts, id snapshots, summaries.

Importing this module must stay cheap (no SQLAlchemy, SQLModel, pydantic or httpx): screens
read their first page through it before the first frame (PERFORMANCE.md rule 1).
"""

import json
import os
import sqlite3
import threading
from array import array
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prodops_tui.store.errors import ReadCancelled, StoreError, mask_url
from prodops_tui.store.page_plan import Cancelled, page_rows
from prodops_tui.store.read_sql import (
    SEARCH_CAP,
    ListQuery,
    count_sql,
    rows_sql,
    seqs_sql,
    validate,
)
from prodops_tui.store.read_tables import SUMMARY_STEPS, column_kind, summary_sql

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "SEARCH_CAP",
    "SUMMARY_STEPS",
    "Cancelled",
    "ListQuery",
    "ReadCancelled",
    "Reader",
    "Row",
]

Row = tuple[Any, ...]
"""`seq`, then the values of the query's columns, dates as ISO text, string lists joined."""

_CHUNK = 500
_PROGRESS_STEPS = 50_000
"""SQLite VM steps between two checks of a read's cancel flag (roughly a millisecond)."""


def _datetime_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)[:19].replace("T", " ")


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _list_text(value: Any) -> str | None:
    items = _json_value(value)
    if items is None:
        return None
    return ", ".join(str(item) for item in items)


def _bool_value(value: Any) -> bool | None:
    return None if value is None else bool(value)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "dt": _datetime_text,
    "date": _date_text,
    "list": _list_text,
    "json": _json_value,
    "bool": _bool_value,
}


def _normaliser(q: ListQuery) -> Callable[[Sequence[Any]], Row] | None:
    """A function turning a driver row into a `Row`, or None when the row needs no change."""
    spec = validate(q)
    steps = [
        (index, _CONVERTERS[kind])
        for index, column in enumerate(q.columns, start=1)
        if (kind := column_kind(spec, column)) in _CONVERTERS
    ]
    if not steps:
        return None

    def normalise(row: Sequence[Any]) -> Row:
        values = list(row)
        for index, convert in steps:
            values[index] = convert(values[index])
        return tuple(values)

    return normalise


def _target(url: str) -> tuple[str, str]:
    """(dialect, file path or libpq URL) of a workspace URL."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///").split("?", 1)[0]
        if path in ("", ":memory:"):
            raise StoreError("the read path needs a workspace file, not an in-memory database")
        return "sqlite", path
    scheme, sep, rest = url.partition("://")
    if sep and scheme.split("+", 1)[0] in ("postgresql", "postgres"):
        return "postgresql", f"postgresql://{rest}"
    raise StoreError(f"unsupported workspace URL: {mask_url(url)}")


def _first_line(exc: BaseException, secret: str | None = None) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line.replace(secret, "***") if secret else line


_SYNCERS_SQL = (
    "SELECT c.kind, m.value FROM workspace_meta m JOIN connection c"
    " ON m.key = 'sync.lock:' || c.id ORDER BY c.kind, c.id"
)


class Reader:
    """Read-only access to a workspace for list screens: one DB-API connection per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect, self._target = _target(url)
        self._lock = threading.Lock()
        self._open: list[Any] = []
        self._idle: list[Any] = []
        self._errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def first_page(self, q: ListQuery, limit: int = 256) -> list[Row]:
        """The first `limit` rows of a list in display order (store.page_plan: how)."""
        return self._normalised(q, page_rows(self._fetch, q, self.dialect, limit))

    def count(self, q: ListQuery, cancelled: Cancelled | None = None) -> int:
        """How many rows the list has (exact, also for searches)."""
        sql, params = count_sql(q, self.dialect)
        return int(self._fetch(sql, params, cancelled)[0][0])

    def snapshot(
        self, q: ListQuery, cap: int | None = None, cancelled: Cancelled | None = None
    ) -> "array[int]":
        """Seqs of the whole list in display order (full-text searches: the newest SEARCH_CAP)."""
        sql, params = seqs_sql(q, self.dialect, cap)
        return array("q", [row[0] for row in self._fetch(sql, params, cancelled)])

    def rows(self, q: ListQuery, seqs: Sequence[int]) -> list[Row]:
        """Rows for those seqs in the given order; seqs no longer present are skipped."""
        found: dict[int, Row] = {}
        for start in range(0, len(seqs), _CHUNK):
            chunk = [int(seq) for seq in seqs[start : start + _CHUNK]]
            sql = rows_sql(q, self.dialect, len(chunk))
            params: list[Any] = [chunk] if self.dialect == "postgresql" else list(chunk)
            found.update((row[0], row) for row in self._fetch(sql, params))
        return self._normalised(q, [found[seq] for seq in seqs if seq in found])

    def summary(
        self, today: date | None = None, keys: Sequence[str] | None = None
    ) -> dict[str, int]:
        """Counts for the Home screen (all, or the named `keys`, see SUMMARY_STEPS); renewals
        fall within 30/90 days from `today` (inclusive)."""
        sql, params, keys = summary_sql(self.dialect, today or date.today(), keys)
        values = self._fetch(sql, params)[0]
        return {key: int(value) for key, value in zip(keys, values, strict=True)}

    def fetch(
        self, sql: str, params: Sequence[Any], cancelled: Cancelled | None = None
    ) -> list[Any]:
        """Every row of one read-only statement with `?` placeholders (store-level SQL only:
        the aggregates in store.stats_sql)."""
        return self._fetch(sql, params, cancelled)

    def syncers(self) -> list[tuple[str, str]]:
        """(connection kind, JSON record of its last syncer: services/sync_lock.py)."""
        return [(str(kind), str(value)) for kind, value in self._fetch(_SYNCERS_SQL, [])]

    def close(self) -> None:
        """Close every connection; reads running now close theirs when done, later reads open
        new ones."""
        with self._lock:
            idle, self._open, self._idle = self._idle, [], []
        for connection in idle:  # one in use now is closed by its read (`_release`): closing
            connection.close()  # it under a running query crashes the sqlite3 module

    def _normalised(self, q: ListQuery, rows: list[Any]) -> list[Row]:
        normalise = _normaliser(q)
        if normalise is None:
            return [tuple(row) for row in rows]
        return [normalise(row) for row in rows]

    def _fetch(
        self, sql: str, params: Sequence[Any], cancelled: Cancelled | None = None
    ) -> list[Any]:
        if cancelled is not None and cancelled():
            raise ReadCancelled("read cancelled")  # PostgreSQL reads are only checked up front
        connection = self._acquire()
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        elif cancelled is not None:
            connection.set_progress_handler(lambda: 1 if cancelled() else 0, _PROGRESS_STEPS)
        try:
            return list(connection.execute(sql, params).fetchall())
        except self._errors as exc:
            if cancelled is not None and cancelled():
                raise ReadCancelled("read cancelled") from exc
            raise StoreError(f"cannot read the workspace: {_first_line(exc)}") from exc
        finally:
            if cancelled is not None and self.dialect == "sqlite":
                connection.set_progress_handler(None, 0)
            self._release(connection)

    def _acquire(self) -> Any:
        """An idle connection of this reader, or a new one: one read at a time on each."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        connection = self._connect()
        with self._lock:
            self._open.append(connection)
        return connection

    def _release(self, connection: Any) -> None:
        with self._lock:
            held = any(open_ is connection for open_ in self._open)
            if held and getattr(connection, "closed", False):
                self._open = [open_ for open_ in self._open if open_ is not connection]
                return  # a PostgreSQL connection that broke: the next read opens a new one
            if held:
                self._idle.append(connection)
                return
        connection.close()  # the reader was closed while this read ran

    def _connect(self) -> Any:
        if self.dialect == "postgresql":
            return self._connect_postgresql()
        if not os.path.exists(self._target):
            raise StoreError(f"workspace not found: {self._target}")
        try:
            connection = sqlite3.connect(
                self._target, timeout=5.0, check_same_thread=False, isolation_level=None
            )
            connection.execute("PRAGMA busy_timeout=5000")
            connection.execute("PRAGMA query_only=1")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the workspace: {_first_line(exc)}") from exc
        return connection

    def _connect_postgresql(self) -> "psycopg.Connection[tuple[Any, ...]]":
        import psycopg  # only PostgreSQL workspaces pay for the driver

        self._errors = (psycopg.Error,)
        try:
            return psycopg.connect(
                self._target,
                autocommit=True,
                connect_timeout=5,
                options="-c default_transaction_read_only=on",
            )
        except psycopg.Error as exc:
            secret = urlsplit(self._target).password
            raise StoreError(f"cannot connect to PostgreSQL: {_first_line(exc, secret)}") from exc
