"""What an Inbox action would do to each chosen feedback item: the checked action, the tag and
state changes, and the one-line summary the preview shows (services/feedback_actions.py writes
them)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import FeedbackKind, FeedbackState
from prodops_tui.services.new_issue import is_placeholder
from prodops_tui.store.store import Store, StoreError

__all__ = ["IMPORTANCE", "LINK_TAG", "STATE", "VERBS", "Action", "Change", "normal_tag"]
__all__ += ["plan", "preview"]

LINK_TAG = "prodops_linked"
"""Put on a Zendesk ticket when it is linked, so support sees it reached the backlog."""
IMPORTANCE = {1: "nice-to-have", 2: "important", 3: "blocker"}
VERBS = ("link", "tag", "processed", "archive", "snooze", "reopen")
STATE = {
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


def _rows(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    feedback = SQLModel.metadata.tables["feedback"]
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
    issue = SQLModel.metadata.tables["issue"]
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
    state = STATE.get(action.verb)
    if state is not None and state.value != row["state"]:
        parts.append(f"{row['state']} -> {state.value}")
    if action.verb == "snooze" and action.until is not None:
        parts.append(f"until {action.until.date().isoformat()}")
    adds, removes = tags
    parts += [f"+{t}" for t in adds] + [f"-{t}" for t in removes]
    return ", ".join(parts) or "no change"


Planned = list[tuple[dict[str, Any], tuple[list[str], list[str]], Change]]
"""Per item: its row, (tags to add, tags to remove), and the change as the preview shows it."""


def plan(
    conn: Connection, ids: Sequence[str], action: Action, now: datetime
) -> tuple[Action, Planned]:
    """The checked action (tags normalised) and what it does to each item; StoreError if bad."""
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
        _, planned = plan(conn, ids, action, datetime.now(UTC))
    return [change for _, _, change in planned]
