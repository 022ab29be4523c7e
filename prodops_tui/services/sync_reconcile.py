"""Items the service no longer has: flagged, archived or dropped locally.

Pages carry the deletions a service reports (`Page.deleted_ids`). A service that only drops an
item from its lists (Jira: deleted issues; GrowthBook: deleted or archived experiments) is
asked after a good incremental pull of a stream: a connector with `reconciled` (stream ->
table) answers `gone(stream, held)` with the held ids it no longer has, each confirmed (a sweep
alone can miss an item that moved while it was paged). Local-only rows (`local:*` plans and
issues) are never held by a connection, so never dropped.
"""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, delete, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import FeedbackState
from prodops_tui.store.store import Store

__all__ = ["Reconciler", "mark_deleted", "reconcile"]


@runtime_checkable
class Reconciler(Protocol):
    """A connector that can say which of our items of a stream it no longer has."""

    connection_id: str
    reconciled: Mapping[str, str]
    """Stream -> the table its items land in."""

    async def gone(self, stream: str, held: set[str]) -> set[str]: ...


async def reconcile(store: Store, connector: object, stream: str, first_sync: bool) -> int:
    """Drop (or flag) this connection's items of `stream` that the service no longer has;
    the number of rows affected (0 for connectors that do not reconcile the stream, and after
    a first sync, which has just read everything there is)."""
    if first_sync or not isinstance(connector, Reconciler) or stream not in connector.reconciled:
        return 0
    table = connector.reconciled[stream]
    held = await asyncio.to_thread(_held, store, table, connector.connection_id)
    gone = await connector.gone(stream, held) & held if held else set()
    if not gone:
        return 0
    return await asyncio.to_thread(_drop, store, table, sorted(gone))


def _held(store: Store, table: str, connection_id: str) -> set[str]:
    target = SQLModel.metadata.tables[table]
    query = select(target.c.id).where(target.c.id.startswith(f"{connection_id}:", autoescape=True))
    if "deleted" in target.c:  # flagged already: not asked about again
        query = query.where(target.c.deleted.is_(False))
    with store.read() as conn:
        return {str(item) for item in conn.execute(query).scalars()}


def _drop(store: Store, table: str, ids: Sequence[str]) -> int:
    with store.write() as conn:
        return mark_deleted(conn, table, ids)


def mark_deleted(conn: Connection, table: str, ids: Sequence[str]) -> int:
    """Flag deleted issues; archive deleted feedback (evidence keeps its links); drop others."""
    target = SQLModel.metadata.tables[table]
    statement: Any
    if "deleted" in target.c:
        statement = update(target).where(target.c.id.in_(ids)).values(deleted=True)
    elif table == "feedback":
        archived = FeedbackState.ARCHIVED.value
        statement = update(target).where(target.c.id.in_(ids)).values(state=archived)
    else:
        _detach_org(conn, table, ids)
        statement = delete(target).where(target.c.id.in_(ids))
    return max(conn.execute(statement).rowcount, 0)


def _detach_org(conn: Connection, table: str, ids: Sequence[str]) -> None:
    if table == "org":
        feedback = SQLModel.metadata.tables["feedback"]
        conn.execute(update(feedback).where(feedback.c.org_id.in_(ids)).values(org_id=None))
