"""Give an item back the service's values when the user discards a conflicted edit.

The local store shows an edit as soon as it is made. When the service refused it (the item
changed there) and the user discards it, the columns it changed must show the service's values
again; an incremental pull may already have passed the remote change while the edit held those
columns, so waiting for the next pull is not enough. Discarding marks the item's columns
(workspace_meta `restore:<item id>`, in the discarding transaction); `restore_remote` re-reads
marked items from their services and writes those columns back, then clears the marks. A mark
whose service cannot be reached stays for the next try (every push runs it first).
"""

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, delete, select, update
from sqlmodel import SQLModel

from prodops_tui.connectors.base import Page
from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.edited_columns import (
    connection_for,
    edit_columns,
    edit_targets,
    pending_in,
)
from prodops_tui.store.store import Store

__all__ = ["MARK", "Rereader", "mark_restore", "marked", "restore_remote"]

MARK = "restore:"


@runtime_checkable
class Rereader(Protocol):
    """A connector that can read some items' current rows now."""

    async def reread(self, ids: Sequence[str]) -> Page: ...


def mark_restore(store: Store, conn: Connection, edit: Mapping[str, Any]) -> None:
    """Inside the discarding transaction: the edit's items need the service's values back in
    the columns it changed (added to any columns already marked)."""
    columns = set(edit_columns(str(edit["op"]), edit["payload"]))
    if not columns:
        return
    meta = SQLModel.metadata.tables["workspace_meta"]
    for item in edit_targets(str(edit["target"]), edit["payload"]):
        key = MARK + item
        old = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        merged = sorted(columns | set(_columns(old)))
        store.upsert_in(conn, "workspace_meta", [{"key": key, "value": json.dumps(merged)}])


def marked(store: Store) -> dict[str, list[str]]:
    """Item id -> the columns waiting for the service's values."""
    meta = SQLModel.metadata.tables["workspace_meta"]
    query = select(meta.c.key, meta.c.value).where(meta.c.key.startswith(MARK))
    with store.read() as conn:
        return {key.removeprefix(MARK): _columns(value) for key, value in conn.execute(query)}


def _columns(value: str | None) -> list[str]:
    try:
        found = json.loads(value) if value else []
    except ValueError:
        return []
    return [str(c) for c in found] if isinstance(found, list) else []


async def restore_remote(store: Store, connectors: Mapping[str, object]) -> list[str]:
    """Re-read the marked items of these connections and write the marked columns back (none
    that a newer unsent edit holds). Returns one line per connection that failed."""
    marks = await asyncio.to_thread(marked, store)
    groups: dict[str, list[str]] = {}
    for item in marks:
        conn_id = connection_for(item, connectors)
        if conn_id is not None and isinstance(connectors[conn_id], Rereader):
            groups.setdefault(conn_id, []).append(item)
    problems: list[str] = []
    for conn_id, items in groups.items():
        connector = connectors[conn_id]
        assert isinstance(connector, Rereader)
        try:
            page = await connector.reread(items)
        except ConnectorError as exc:
            problems.append(f"{conn_id}: {exc}")
            continue
        await asyncio.to_thread(_write_back, store, page, {i: marks[i] for i in items})
    return problems


def _write_back(store: Store, page: Page, marks: Mapping[str, list[str]]) -> None:
    """The service's values into the marked columns (the item's version moves, so a member
    who saw the discarded value is told it changed); the marks read are cleared."""
    table = SQLModel.metadata.tables[page.table]
    meta = SQLModel.metadata.tables["workspace_meta"]
    with store.write() as conn:
        held = pending_in(conn)
        for row in page.rows:
            wanted = set(marks.get(row["id"], ())) - held.get(row["id"], set())
            values = {c: row[c] for c in sorted(wanted) if c in row and c in table.c}
            if values and "version" in table.c:
                values["version"] = table.c.version + 1
                conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
        for item, columns in marks.items():
            same = meta.c.value == json.dumps(sorted(columns))
            conn.execute(delete(meta).where(meta.c.key == MARK + item, same))
