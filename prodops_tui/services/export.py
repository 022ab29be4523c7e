"""Data out: issues, feedback, experiments, tools or decisions as CSV or JSON, streamed.

Rows are read through a server-side cursor (PostgreSQL) or SQLite's lazy cursor in batches and
written one by one, so memory stays flat however many rows there are. Columns come in the
model's order (`seq` is the workspace's own row number; issues leave out the ADF tree),
moments as ISO 8601 UTC (`2026-11-27T08:24:00Z`), dates as `YYYY-MM-DD`, lists and objects as
JSON.
"""

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TextIO

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store.store import Store

__all__ = ["FORMATS", "KINDS", "Filter", "columns", "export", "rows", "saved_view_filter"]

KINDS = {
    "issues": "issue",
    "feedback": "feedback",
    "experiments": "experiment",
    "tools": "tool",
    "decisions": "decision",
}
"""What can be exported -> its table."""
FORMATS = ("csv", "json")
BATCH = 1000
LEFT_OUT = frozenset({"description_adf"})
"""Jira's document tree: the export carries its Markdown rendering."""

Filter = tuple[str, Sequence[Any]]
"""A WHERE condition over the table aliased `t`, with `?` placeholders, and its parameters."""
Convert = Callable[[Any], Any]


def _table(kind: str) -> Table:
    if kind not in KINDS:
        raise ValueError(f"cannot export {kind!r}: choose one of {', '.join(KINDS)}")
    return SQLModel.metadata.tables[KINDS[kind]]


def columns(kind: str) -> list[str]:
    """The exported columns of `kind`, in the model's order (the CSV header, the JSON keys)."""
    return [column.name for column in _table(kind).columns if column.name not in LEFT_OUT]


def _moment(value: Any) -> str | None:
    if value is None:
        return None
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _converter(table: Table, name: str) -> Convert | None:
    kind = table.c[name].type
    for sql_type, convert in ((DateTime, _moment), (Date, _day), (JSON, _json), (Boolean, _bool)):
        if isinstance(kind, sql_type):
            return convert
    return None


def rows(store: Store, kind: str, where: Filter | None = None) -> Iterator[list[Any]]:
    """The rows of `kind` (matching `where`) in a stable order, values converted, lazily."""
    table = _table(kind)
    names = columns(kind)
    converts = [(i, c) for i, name in enumerate(names) if (c := _converter(table, name))]
    order = "t.seq" if "seq" in table.c else "t.id"
    condition, params = where or ("", ())
    quoted = ", ".join(f't."{name}"' for name in names)
    sql = f"SELECT {quoted} FROM {table.name} t"
    sql += f" WHERE {condition}" if condition else ""
    sql += f" ORDER BY {order}"
    if store.dialect == "postgresql":
        sql = sql.replace("%", "%%").replace("?", "%s")
    with store.read() as conn:
        result = conn.exec_driver_sql(sql, tuple(params), execution_options={"yield_per": BATCH})
        for batch in result.partitions(BATCH):
            for raw in batch:
                values = list(raw)
                for index, convert in converts:
                    values[index] = convert(values[index])
                yield values


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(out: TextIO, names: list[str], values: Iterator[list[Any]]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    written = 0
    for row in values:
        writer.writerow([_csv_cell(value) for value in row])
        written += 1
    return written


def write_json(out: TextIO, names: list[str], values: Iterator[list[Any]]) -> int:
    """A JSON array of objects, one per line, written as the rows arrive."""
    out.write("[")
    written = 0
    for row in values:
        out.write(",\n" if written else "\n")
        out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
        written += 1
    out.write("\n]\n" if written else "]\n")
    return written


def export(store: Store, kind: str, fmt: str, out: TextIO, where: Filter | None = None) -> int:
    """Write every row of `kind` (matching `where`) to `out` as CSV or JSON; the rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose csv or json")
    writer = write_csv if fmt == "csv" else write_json
    return writer(out, columns(kind), rows(store, kind, where))


VIEW_SCREENS = {"issues": "backlog", "feedback": "inbox"}
"""The screen whose saved views filter each export (views are kept per screen)."""


def saved_view_filter(store: Store, kind: str, name: str, now: datetime) -> Filter:
    """The condition of the saved view `name` of the kind's screen, compiled as its list
    compiles it. ValueError (QueryError included) with a one-line reason otherwise."""
    from prodops_tui.services.query import parse
    from prodops_tui.store.query_sql import where_conditions
    from prodops_tui.store.read_tables import table_spec

    screen = VIEW_SCREENS.get(kind)
    if screen is None:
        raise ValueError(f"saved views filter issues and feedback, not {kind}")
    views = SQLModel.metadata.tables["saved_view"]
    query = select(views.c.name, views.c.query).where(views.c.screen == screen)
    with store.read() as conn:
        found = {str(n): str(q or "") for n, q in conn.execute(query.order_by(views.c.name))}
    if name not in found:
        known = f"saved views: {', '.join(found)}" if found else "none is saved yet"
        raise ValueError(f"no saved view {name!r} for {kind} ({known})")
    table = KINDS[kind]
    where = parse(found[name], table, now).where
    if where is None:
        return "", []
    return where_conditions(table_spec(table), where, store.dialect, "t")
