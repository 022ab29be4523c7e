"""Local edits from the UI: the change, its decision and its outbox row in one transaction; and
what the outbox says about each item (badges, conflicts)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import JIRA_PRIORITIES as PRIORITIES
from prodops_tui.models.enums import OutboxState
from prodops_tui.store.store import Store, StoreError

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


def _aware_iso(moment: Any) -> str:
    """The remote `updated` as a timezone-aware ISO string (SQLite keeps naive UTC)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        raise StoreError("the issue has no remote version yet: sync it first")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def set_priority(store: Store, issue_id: str, name: str, actor: str) -> str:
    """Set an issue's priority locally and queue it for Jira; returns the outbox id.

    The issue, its decision and its outbox row are written in one transaction."""
    if name not in PRIORITIES:
        raise StoreError(f"unknown priority {name!r}")
    issue = SQLModel.metadata.tables["issue"]
    decision = SQLModel.metadata.tables["decision"]
    with store.write() as conn:
        query = select(issue.c.priority, issue.c.updated, issue.c.deleted)
        row = conn.execute(query.where(issue.c.id == issue_id)).first()
        if row is None or row.deleted:
            raise StoreError(f"no issue {issue_id} in the workspace")
        base = _aware_iso(row.updated)
        conn.execute(
            update(issue)
            .where(issue.c.id == issue_id)
            .values(priority=name, version=issue.c.version + 1)
        )
        edit_id = store.enqueue(
            conn,
            target=issue_id,
            op="priority",
            payload={"name": name},
            base_version=base,
            actor=actor,
        )
        conn.execute(
            insert(decision).values(
                actor=actor,
                target=issue_id,
                action="priority",
                detail={"from": row.priority, "to": name},
                outbox_id=edit_id,
                created_at=datetime.now(UTC),
            )
        )
    return edit_id


def badges(store: Store) -> dict[str, str]:
    """Item id -> the badge of its latest edit (queued, pushed, conflict, rejected)."""
    outbox = SQLModel.metadata.tables["outbox"]
    query = select(outbox.c.target, outbox.c.state).order_by(outbox.c.created_at, outbox.c.id)
    with store.read() as conn:
        return {target: BADGES.get(state, state) for target, state in conn.execute(query)}


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
