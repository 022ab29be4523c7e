"""Inbox-zero actions on feedback: link to an issue, new issue, tag, processed, archive, snooze.

One item or many: `preview` lists every change without writing; `apply` writes them in one
transaction: the feedback rows, a decision per item and, for Zendesk tickets whose tags change,
a `tags` edit in the outbox (sent with safe_update on the ticket's `updated_stamp`).
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.feedback_plan import (
    IMPORTANCE,
    LINK_TAG,
    STATE,
    VERBS,
    Action,
    Change,
    normal_tag,
    plan,
    preview,
)
from prodops_tui.services.new_issue import IssueDraft, queue_issue
from prodops_tui.services.scoring import rescore_in
from prodops_tui.services.versions import ItemChanged, Stale, changed_under, lock_item
from prodops_tui.store.store import Store

__all__ = [
    "IMPORTANCE",
    "LINK_TAG",
    "VERBS",
    "Action",
    "Change",
    "IssueDraft",
    "apply",
    "create_issue",
    "normal_tag",
    "preview",
]


def apply(
    store: Store,
    ids: Sequence[str],
    action: Action,
    actor: str,
    *,
    seen: Mapping[str, int] | None = None,
) -> list[Change]:
    """Apply the action to every item in one transaction; returns the changes made.

    `seen`: item id -> the version the member decided on. An item changed since (by another
    member or a sync) gets its decision logged but not applied, and ItemChanged is raised once
    the rest is committed (services/versions.py)."""
    with store.write() as conn:
        changes, stale = _apply_all(store, conn, ids, action, actor, seen or {})
    if stale:
        raise ItemChanged(stale)
    return changes


def create_issue(
    store: Store,
    ids: Sequence[str],
    draft: IssueDraft,
    actor: str,
    *,
    importance: int = 2,
    quote: str = "",
) -> tuple[str, list[Change]]:
    """Queue a new Jira issue and link the items to it, in one transaction; its id and the
    changes (the issue is a placeholder until the push creates it)."""
    with store.write() as conn:
        issue_id = queue_issue(conn, store, draft, actor)
        action = Action("link", issue_id, importance, quote)
        return issue_id, apply_in(store, conn, ids, action, actor)


def apply_in(
    store: Store, conn: Connection, ids: Sequence[str], action: Action, actor: str
) -> list[Change]:
    """`apply` inside the caller's write transaction (nothing checked against versions)."""
    changes, _ = _apply_all(store, conn, ids, action, actor, {})
    return changes


def _table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def _apply_all(
    store: Store,
    conn: Connection,
    ids: Sequence[str],
    action: Action,
    actor: str,
    seen: Mapping[str, int],
) -> tuple[list[Change], list[Stale]]:
    now = datetime.now(UTC)
    for item in sorted(set(ids)):  # one order for every member: no deadlock
        lock_item(conn, "feedback", item)
    action, planned = plan(conn, ids, action, now)
    changes, stale = [], []
    for row, tags, change in planned:
        label = str(row["subject"] or row["id"])[:40]
        moved = changed_under(conn, "feedback", row["id"], label, seen.get(row["id"]))
        if moved is not None:
            stale.append(moved)
            detail = {"summary": change.summary, "stale": moved.detail()}
            _decide(conn, row["id"], action.verb, detail, actor, None, now)
            continue
        _write_one(store, conn, row, action, tags, change, actor, now)
        changes.append(change)
    if action.verb == "link" and changes:
        rescore_in(conn, [action.issue_id])  # its evidence changed: reach, hence the score
    return changes, stale


def _write_one(
    store: Store,
    conn: Connection,
    row: dict[str, Any],
    action: Action,
    tags: tuple[list[str], list[str]],
    change: Change,
    actor: str,
    now: datetime,
) -> None:
    adds, removes = tags
    values: dict[str, Any] = {"version": _table("feedback").c.version + 1}
    if adds or removes:
        values["tags"] = [t for t in row["tags"] or [] if t not in removes] + adds
    if (state := STATE.get(action.verb)) is not None:
        values["state"] = state.value
        values["snoozed_until"] = action.until if action.verb == "snooze" else None
    feedback = _table("feedback")
    conn.execute(update(feedback).where(feedback.c.id == row["id"]).values(**values))
    if action.verb == "link":
        _link(store, conn, row["id"], action, actor, now)
    edit_id = None
    if change.queued:
        edit_id = store.enqueue(
            conn,
            target=row["id"],
            op="tags",
            payload={"add": adds, "remove": removes},
            base_version=str(row["updated_stamp"] or ""),
            actor=actor,
        )
    detail = {"summary": change.summary, "issue": action.issue_id, "add": adds, "remove": removes}
    _decide(conn, row["id"], action.verb, detail, actor, edit_id, now)


def _decide(
    conn: Connection,
    target: str,
    verb: str,
    detail: dict[str, Any],
    actor: str,
    edit_id: str | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(_table("decision")).values(
            actor=actor,
            target=target,
            action=verb,
            detail={k: v for k, v in detail.items() if v},
            outbox_id=edit_id,
            created_at=now,
        )
    )


def _link(
    store: Store, conn: Connection, feedback_id: str, action: Action, actor: str, now: datetime
) -> None:
    """The evidence row (a second link to the same issue updates importance and quote)."""
    evidence = _table("evidence")
    make = pg_insert if store.dialect == "postgresql" else sqlite_insert
    statement = make(evidence).values(
        feedback_id=feedback_id,
        issue_id=action.issue_id,
        importance=action.importance,
        quote=action.quote.strip(),
        created_by=actor,
        created_at=now,
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["feedback_id", "issue_id"],
            set_={"importance": action.importance, "quote": action.quote.strip()},
        )
    )
