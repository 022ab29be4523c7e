"""Inbox-zero actions on feedback: link to an issue, new issue, tag, processed, archive, snooze.

One item or many: `preview` lists every change without writing; `apply` writes them in one
transaction: the feedback rows, a decision per item and, for Zendesk tickets whose tags change,
a `tags` edit in the outbox (sent with safe_update on the ticket's `updated_stamp`).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import FeedbackKind, FeedbackState
from prodops_tui.services.new_issue import IssueDraft, is_placeholder, queue_issue
from prodops_tui.services.scoring import rescore_in
from prodops_tui.services.versions import ItemChanged, Stale, changed_under, lock_item
from prodops_tui.store.store import Store, StoreError

__all__ = [
    "IMPORTANCE",
    "LINK_TAG",
    "VERBS",
    "Action",
    "Change",
    "IssueDraft",
    "apply",
    "create_issue",
    "preview",
]

LINK_TAG = "prodops_linked"
"""Put on a Zendesk ticket when it is linked, so support sees it reached the backlog."""
IMPORTANCE = {1: "nice-to-have", 2: "important", 3: "blocker"}
VERBS = ("link", "tag", "processed", "archive", "snooze", "reopen")
_STATE = {
    "link": FeedbackState.PROCESSED,
    "processed": FeedbackState.PROCESSED,
    "archive": FeedbackState.ARCHIVED,
    "snooze": FeedbackState.SNOOZED,
    "reopen": FeedbackState.NEW,
}
_TAG = re.compile(r"^[a-z0-9][a-z0-9_\-:./]{0,79}$")
MAX_QUOTE = 2_000
_COLUMNS = ("id", "subject", "kind", "connection_id", "tags", "state", "updated_stamp")


@dataclass(frozen=True)
class Action:
    """What to do to each chosen feedback item."""

    verb: str
    issue_id: str = ""
    importance: int = 1
    quote: str = ""
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    until: datetime | None = None


@dataclass(frozen=True)
class Change:
    """One item's change as the preview shows it."""

    feedback_id: str
    subject: str
    summary: str
    queued: bool
    """A tag write for the Zendesk ticket goes to the outbox."""


def normal_tag(text: str) -> str:
    """A tag as Zendesk stores it (lowercase, spaces as underscores); StoreError if invalid."""
    tag = "_".join(text.strip().lower().split())
    if not _TAG.match(tag):
        raise StoreError(f"{tag[:40]!r} is not a tag: letters, digits and _ - : . / only")
    return tag


def _table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def _rows(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    feedback = _table("feedback")
    query = select(*(feedback.c[c] for c in _COLUMNS)).where(feedback.c.id.in_(list(ids)))
    found = {row["id"]: dict(row) for row in conn.execute(query).mappings()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise StoreError(f"no feedback {missing[0]} in the workspace")
    return [found[i] for i in dict.fromkeys(ids)]


def _issue_key(conn: Connection, action: Action) -> str:
    """The linked issue's key (checked to exist), or "" for other verbs."""
    if action.verb != "link":
        return ""
    issue = _table("issue")
    query = select(issue.c.key, issue.c.deleted).where(issue.c.id == action.issue_id)
    row = conn.execute(query).first()
    if row is None or row.deleted:
        raise StoreError(f"no issue {action.issue_id} in the workspace")
    return str(row.key)


def _checked(action: Action, now: datetime) -> Action:
    if action.verb not in VERBS:
        raise StoreError(f"unknown feedback action {action.verb!r}")
    if action.verb == "link" and action.importance not in IMPORTANCE:
        raise StoreError("importance is 1 (nice-to-have), 2 (important) or 3 (blocker)")
    if len(action.quote) > MAX_QUOTE:
        raise StoreError(f"the quote is longer than {MAX_QUOTE:,} characters")
    if action.verb == "snooze" and (action.until is None or action.until <= now):
        raise StoreError("snooze until a date in the future")
    if action.verb == "tag" and not (action.add or action.remove):
        raise StoreError("no tags to add or remove")
    add = tuple(dict.fromkeys(normal_tag(t) for t in action.add))
    remove = tuple(normal_tag(t) for t in action.remove)
    return replace(action, add=add, remove=remove)


def _is_ticket(row: dict[str, Any]) -> bool:
    connection = str(row["connection_id"] or "")
    return row["kind"] == FeedbackKind.TICKET.value and connection.startswith("zendesk:")


def _tag_change(row: dict[str, Any], action: Action, key: str) -> tuple[list[str], list[str]]:
    """(tags to add, tags to remove) that actually change this item's tags."""
    current = list(row["tags"] or [])
    wanted = list(action.add)
    if action.verb == "link":
        wanted = [LINK_TAG] + (
            [normal_tag(f"jira_{key}")] if not is_placeholder(action.issue_id) else []
        )
    adds = [t for t in wanted if t not in current]
    return adds, [t for t in action.remove if t in current]


def _summary(
    row: dict[str, Any], action: Action, key: str, tags: tuple[list[str], list[str]]
) -> str:
    parts = []
    if action.verb == "link":
        parts.append(f"evidence for {key} ({IMPORTANCE[action.importance]})")
    state = _STATE.get(action.verb)
    if state is not None and state.value != row["state"]:
        parts.append(f"{row['state']} -> {state.value}")
    if action.verb == "snooze" and action.until is not None:
        parts.append(f"until {action.until.date().isoformat()}")
    adds, removes = tags
    parts += [f"+{t}" for t in adds] + [f"-{t}" for t in removes]
    return ", ".join(parts) or "no change"


def _plan(conn: Connection, ids: Sequence[str], action: Action, now: datetime) -> Any:
    action = _checked(action, now)
    key = _issue_key(conn, action)
    planned = []
    for row in _rows(conn, ids):
        tags = _tag_change(row, action, key)
        queued = _is_ticket(row) and bool(tags[0] or tags[1])
        change = Change(row["id"], row["subject"], _summary(row, action, key, tags), queued)
        planned.append((row, tags, change))
    return action, planned


def preview(store: Store, ids: Sequence[str], action: Action) -> list[Change]:
    """What `apply` would do to each item, without writing anything."""
    with store.read() as conn:
        _, planned = _plan(conn, ids, action, datetime.now(UTC))
    return [change for _, _, change in planned]


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
    action, planned = _plan(conn, ids, action, now)
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
    if (state := _STATE.get(action.verb)) is not None:
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
