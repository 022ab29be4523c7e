"""Import the tool inventory from CSV: the tool table's columns in model order, named as in the
model (what `prodops export tools --format csv` writes). Idempotent: rows match a stored tool by
id, else by name, and only changed fields are written (one decision per changed tool); unknown
columns are reported and ignored; rows that cannot be saved are rejected with their line number
and change nothing."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from prodops_tui.services.tools import (
    EDITABLE,
    ToolError,
    change_tool,
    check_tool,
    insert_tool,
)
from prodops_tui.store.store import Store

__all__ = ["COLUMNS", "ImportReport", "import_tools", "read_rows"]

COLUMNS = ("seq", "id", *EDITABLE)
"""The tool table's columns in model order; `seq` is the workspace's own and is ignored."""
_IGNORED = frozenset({"seq"})


@dataclass
class ImportReport:
    """What an import did (or, dry run, would do)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    """(line number in the file, why)."""
    warnings: list[tuple[int, str]] = field(default_factory=list)
    unknown_columns: tuple[str, ...] = ()
    dry_run: bool = False


class _RollBack(Exception):
    """Ends a dry run's transaction after the whole import ran in it."""


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], tuple[str, ...]]:
    """(line number, row) for each data row, and the header's unknown columns.

    ToolError when there is no header or it names no tool column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise ToolError("the file is empty: the first line must name the columns")
    reader.fieldnames = header
    if "name" not in header and "id" not in header:
        raise ToolError(f"no `name` or `id` column; tool columns are: {', '.join(COLUMNS)}")
    unknown = tuple(name for name in header if name not in COLUMNS)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    for raw in reader:
        rows.append((line, {k: v or "" for k, v in raw.items() if isinstance(k, str)}))
        line = reader.line_num + 1
    return rows, unknown


def import_tools(
    store: Store, text: str, actor: str, today: date, *, dry_run: bool = False
) -> ImportReport:
    """Add or update tools from CSV text in one transaction (rolled back for a dry run)."""
    rows, unknown = read_rows(text)
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run)
    try:
        with store.write() as conn:
            _apply(conn, rows, report, actor, today)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return report


def _apply(
    conn: Connection,
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    actor: str,
    today: date,
) -> None:
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            name = row.get("name", "").strip().lower()
            if name and name in seen:
                raise ToolError(f"the name {row['name'].strip()!r} is also on line {seen[name]}")
            outcome, warnings = _import_one(conn, row, actor, today)
        except ToolError as exc:
            report.rejected.append((line, str(exc)))
            continue
        if name:
            seen[name] = line
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.warnings += [(line, warning) for warning in warnings]


def _import_one(
    conn: Connection, row: dict[str, str], actor: str, today: date
) -> tuple[str, tuple[str, ...]]:
    """Add or update one row inside a savepoint; ("added"|"updated"|"unchanged", warnings)."""
    given = {name: value for name, value in row.items() if name in EDITABLE}
    stored = _match(conn, row.get("id", "").strip(), row.get("name", "").strip())
    checked = check_tool(given, today, stored)
    with conn.begin_nested():
        if stored is None:
            values = {**checked.values, **({"id": row["id"].strip()} if row.get("id") else {})}
            insert_tool(conn, values, actor, "tool.import")
            return "added", checked.warnings
        changed = change_tool(conn, stored["id"], checked.values, actor, "tool.import")
    return ("updated" if changed else "unchanged"), checked.warnings


def _match(conn: Connection, tool_id: str, name: str) -> dict[str, Any] | None:
    """The stored tool this row is about: by id, else by name (any case)."""
    tool = SQLModel.metadata.tables["tool"]
    for where in _wheres(tool, tool_id, name):
        found = conn.execute(select(tool).where(where)).mappings().first()
        if found is not None:
            return dict(found)
    return None


def _wheres(tool: Any, tool_id: str, name: str) -> Iterator[Any]:
    if tool_id:
        yield tool.c.id == tool_id
    if name:
        yield func.lower(tool.c.name) == name.lower()
