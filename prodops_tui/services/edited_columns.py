"""Which local columns an outbox edit changes: a pull must not overwrite them while the edit is
unsent, and discarding the edit must give them back the service's values."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.store.store import Store

__all__ = [
    "EDITED_COLUMNS",
    "connection_for",
    "edit_columns",
    "edit_targets",
    "pending_columns",
    "pending_in",
]

EDITED_COLUMNS: dict[str, tuple[str, ...]] = {
    "priority": ("priority",),
    "labels": ("labels",),
    "assignee": ("assignee",),
    "transition": ("status", "status_category"),
    "bulk_transition": ("status", "status_category"),
    "tags": ("tags",),
}
"""The local columns an outbox op changes (`fields`/`bulk_fields` name theirs in the payload)."""

_FIELD_COLUMNS = {
    "description": ("description_md", "description_adf"),
    "story_points": ("estimate",),
}


def connection_for(target: str, connection_ids: Any) -> str | None:
    """The connection an item id belongs to (`jira:acme:10001` -> `jira:acme`)."""
    matches = [c for c in connection_ids if target == c or target.startswith(f"{c}:")]
    return max(matches, key=len) if matches else None


def pending_columns(store: Store) -> dict[str, set[str]]:
    """Columns with an unsent local edit, per item id."""
    with store.read() as conn:
        return pending_in(conn)


def pending_in(conn: Connection) -> dict[str, set[str]]:
    """`pending_columns` inside the caller's transaction."""
    outbox = SQLModel.metadata.tables["outbox"]
    live = [OutboxState.PENDING.value, OutboxState.INFLIGHT.value]
    query = select(outbox.c.target, outbox.c.op, outbox.c.payload).where(outbox.c.state.in_(live))
    edits = conn.execute(query).all()
    columns: dict[str, set[str]] = {}
    for target, op, payload in edits:
        for item in edit_targets(target, payload):
            columns.setdefault(item, set()).update(edit_columns(op, payload))
    return columns


def edit_targets(target: str, payload: Any) -> list[str]:
    targets = payload.get("targets") if isinstance(payload, dict) else None
    extra = [str(t) for t in targets] if isinstance(targets, list) else []
    return [target, *extra]


def edit_columns(op: str, payload: Any) -> Iterator[str]:
    yield from EDITED_COLUMNS.get(op, ())
    fields = payload.get("fields") if isinstance(payload, dict) else None
    if op in ("fields", "bulk_fields") and isinstance(fields, dict):
        for name in fields:
            yield from _FIELD_COLUMNS.get(str(name), (str(name),))
