"""What the outbox says about each item (badges, conflicts); `set_priority` and every other
local edit of an issue live in services/triage.py."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import JIRA_PRIORITIES as PRIORITIES
from prodops_tui.models.enums import OutboxState
from prodops_tui.services.triage import set_priority
from prodops_tui.store.store import Store

__all__ = ["BADGES", "PRIORITIES", "ConflictEdit", "badges", "conflicts", "set_priority"]

BADGES = {
    OutboxState.PENDING.value: "queued",
    OutboxState.INFLIGHT.value: "queued",
    OutboxState.DONE.value: "pushed",
    OutboxState.CONFLICT.value: "conflict",
    OutboxState.REJECTED.value: "rejected",
}
"""Outbox state -> the word a list row shows for its item's latest edit."""


@dataclass(frozen=True)
class ConflictEdit:
    """An edit the service refused because the item changed there since we based it."""

    id: str
    target: str
    key: str
    op: str
    value: str
    """Our value, as the payload names it."""
    message: str


def badges(store: Store) -> dict[str, str]:
    """Item id -> the badge of its latest edit (queued, pushed, conflict, rejected), or
    `deleted` for an issue Jira no longer has."""
    outbox = SQLModel.metadata.tables["outbox"]
    issue = SQLModel.metadata.tables["issue"]
    query = select(outbox.c.target, outbox.c.state).order_by(outbox.c.created_at, outbox.c.id)
    with store.read() as conn:
        found = {target: BADGES.get(state, state) for target, state in conn.execute(query)}
        gone = conn.execute(select(issue.c.id).where(issue.c.deleted.is_(True))).scalars()
        found.update(dict.fromkeys(gone, "deleted"))
    return found


def conflicts(store: Store) -> list[ConflictEdit]:
    """Edits in conflict, oldest first, with the item's key when it is cached."""
    outbox = SQLModel.metadata.tables["outbox"]
    issue = SQLModel.metadata.tables["issue"]
    key = select(issue.c.key).where(issue.c.id == outbox.c.target).scalar_subquery()
    query = (
        select(outbox.c.id, outbox.c.target, key, outbox.c.op, outbox.c.payload, outbox.c.error)
        .where(outbox.c.state == OutboxState.CONFLICT.value)
        .order_by(outbox.c.created_at, outbox.c.id)
    )
    with store.read() as conn:
        rows = conn.execute(query).all()
    return [
        ConflictEdit(id, target, key or target, op, _value(payload), error or "")
        for id, target, key, op, payload, error in rows
    ]


def _value(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    if "name" in payload:
        return str(payload["name"])
    return ", ".join(f"{k}={v}" for k, v in payload.items())
