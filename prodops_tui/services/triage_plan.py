"""Triage decisions as plans: what one action does to one issue (its columns, the Jira writes
and how to revert them), worked out without writing anything."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, RowMapping, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import JIRA_PRIORITIES, TriageState
from prodops_tui.services.triage_rows import TriageError, known_version

__all__ = ["Action", "Change", "Plan", "Push", "TriageError", "make_plan"]

READY_KEY = "triage.ready_status"
DEFAULT_READY = "Selected for Development"
DECLINED, DUPLICATE = "Declined", "Duplicate"
CLOSED = frozenset({"Done", DECLINED, DUPLICATE})
SCORE_INPUTS = ("reach", "impact", "confidence", "effort")
ISSUE_COLUMNS = (
    *("id", "key", "connection_id", "status", "status_category", "priority", "assignee"),
    *("labels", "updated", "deleted", "triage_state", "snoozed_until", "duplicate_of"),
    "transitions",
    *SCORE_INPUTS,
)
HIDDEN = frozenset({"transitions", "status_category"})
"""Columns a plan restores on undo but a preview does not list."""


@dataclass(frozen=True)
class Action:
    """One triage decision as the user asked for it; `value` depends on `kind`."""

    kind: str
    value: Any = None
    reason: str = ""


@dataclass(frozen=True)
class Change:
    """One line of a preview: issue key, field, old -> new."""

    key: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Push:
    """An outbox write and the one that reverts it after it was sent (None: cannot)."""

    op: str
    payload: dict[str, Any]
    inverse: tuple[str, dict[str, Any]] | None


@dataclass
class Plan:
    issue_id: str
    key: str
    action: Action
    base: str
    old: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, Any] = field(default_factory=dict)
    pushes: list[Push] = field(default_factory=list)
    notes: list[Change] = field(default_factory=list)
    """Changes that are not issue columns (evidence moved, comment posted, link)."""
    canonical: str = ""

    def set(self, row: RowMapping, **values: Any) -> None:
        for name, value in values.items():
            if row[name] != value:
                self.old[name], self.columns[name] = row[name], value

    def changes(self) -> list[Change]:
        shown = [
            Change(self.key, name, _plain(self.old[name]), _plain(value))
            for name, value in self.columns.items()
            if name not in HIDDEN
        ]
        return shown + self.notes


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value


def issue_row(conn: Connection, issue_id: str) -> RowMapping:
    issue = SQLModel.metadata.tables["issue"]
    query = select(*(issue.c[c] for c in ISSUE_COLUMNS)).where(issue.c.id == issue_id)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise TriageError(f"no issue {issue_id} in the workspace")
    if row["deleted"]:
        raise TriageError(f"{row['key']} was deleted in Jira: nothing changed")
    return row


def ready_status(conn: Connection) -> str:
    meta = SQLModel.metadata.tables["workspace_meta"]
    value = conn.execute(select(meta.c.value).where(meta.c.key == READY_KEY)).scalar()
    return str(value or DEFAULT_READY)


def _offered(row: RowMapping) -> dict[str, dict[str, Any]]:
    """Target status (casefolded) -> the cached transition that reaches it."""
    return {
        str(t.get("to", "")).casefold(): t for t in row["transitions"] or [] if isinstance(t, dict)
    }


def _move(plan: Plan, row: RowMapping, status: str, *, must_be_known: bool = False) -> None:
    """Plan a workflow move: refused when the cached transitions no longer offer it."""
    if row["status"].casefold() == status.casefold():
        return
    offered = _offered(row)
    if (offered or must_be_known) and status.casefold() not in offered:
        names = ", ".join(str(t.get("to")) for t in offered.values()) or "none known"
        raise TriageError(
            f"{row['key']}: Jira no longer offers a move from {row['status']} to {status} "
            f"(offers: {names})"
        )
    move = offered.get(status.casefold(), {})
    category = str(move.get("category") or ("done" if status in CLOSED else ""))
    plan.set(row, status=status, transitions=[])
    if category:
        plan.set(row, status_category=category)
    plan.pushes.append(
        Push("transition", {"to_status": status}, ("transition", {"to_status": row["status"]}))
    )


def _comment(plan: Plan, text: str) -> None:
    plan.pushes.append(Push("comment", {"markdown": text}, ("comment_delete", {})))
    plan.notes.append(Change(plan.key, "comment", "", text))


def _text(action: Action, what: str) -> str:
    text = str(action.value or "").strip()
    if not text:
        raise TriageError(f"{what} cannot be empty")
    return text


def plan_accept(conn: Connection, plan: Plan, row: RowMapping) -> None:
    _move(plan, row, ready_status(conn))
    plan.set(row, triage_state=TriageState.ACCEPTED.value, snoozed_until=None)


def plan_decline(conn: Connection, plan: Plan, row: RowMapping) -> None:
    reason = plan.action.reason.strip()
    if not reason:
        raise TriageError("a decline needs a reason: nothing changed")
    _move(plan, row, DECLINED)
    _comment(plan, f"Declined in triage: {reason}")
    plan.set(row, triage_state=TriageState.DECLINED.value)


def plan_duplicate(conn: Connection, plan: Plan, row: RowMapping) -> None:
    canonical_id = str(plan.action.value or "")
    if canonical_id == row["id"]:
        raise TriageError(f"{row['key']} cannot be a duplicate of itself")
    canonical = issue_row(conn, canonical_id)
    if canonical["duplicate_of"] == row["id"]:
        raise TriageError(f"{canonical['key']} is already a duplicate of {row['key']}")
    plan.canonical = canonical_id
    link = {"type": DUPLICATE, "inward": row["key"], "outward": canonical["key"]}
    _move(plan, row, DUPLICATE)
    plan.pushes.append(Push("link", link, ("unlink", link)))
    plan.set(row, duplicate_of=canonical_id, triage_state=TriageState.DUPLICATE.value)
    plan.notes.append(Change(row["key"], "evidence", "", f"moves to {canonical['key']}"))


def plan_snooze(conn: Connection, plan: Plan, row: RowMapping) -> None:
    until = plan.action.value
    if not isinstance(until, date):
        raise TriageError("snooze needs a date (YYYY-MM-DD)")
    if isinstance(until, datetime):
        until = until.date()
    if until <= datetime.now(UTC).date():
        raise TriageError(f"snooze until {until.isoformat()}: pick a day after today")
    moment = datetime.combine(until, time(), tzinfo=UTC)
    plan.set(row, snoozed_until=moment, triage_state=TriageState.SNOOZED.value)


def plan_priority(conn: Connection, plan: Plan, row: RowMapping) -> None:
    name = str(plan.action.value or "")
    if name not in JIRA_PRIORITIES:
        raise TriageError(f"unknown priority {name!r}")
    if name != row["priority"]:
        plan.set(row, priority=name)
        plan.pushes.append(
            Push("priority", {"name": name}, ("priority", {"name": row["priority"]}))
        )


def plan_labels(conn: Connection, plan: Plan, row: RowMapping) -> None:
    wanted = plan.action.value if isinstance(plan.action.value, dict) else {}
    add = sorted({str(x).strip() for x in wanted.get("add", []) if str(x).strip()})
    remove = sorted({str(x).strip() for x in wanted.get("remove", []) if str(x).strip()})
    if not add and not remove or set(add) & set(remove):
        raise TriageError("labels: name labels to add or remove (not both for one label)")
    if any(" " in label for label in add):
        raise TriageError("a Jira label cannot contain spaces")
    current = list(row["labels"] or [])
    adding = [x for x in add if x not in current]
    removing = [x for x in remove if x in current]
    if adding or removing:
        plan.set(row, labels=[x for x in current if x not in removing] + adding)
        change = {"add": adding, "remove": removing}
        plan.pushes.append(Push("labels", change, ("labels", {"add": removing, "remove": adding})))


def plan_assignee(conn: Connection, plan: Plan, row: RowMapping) -> None:
    account, name = plan.action.value if isinstance(plan.action.value, tuple) else ("", "")
    if name == row["assignee"]:
        return
    person = SQLModel.metadata.tables["person"]
    query = select(person.c.account_id).where(
        person.c.display_name == row["assignee"], person.c.connection_id == row["connection_id"]
    )
    before = conn.execute(query).scalar() if row["assignee"] else ""
    inverse = None if before is None else ("assignee", {"account_id": before})
    plan.set(row, assignee=name)
    plan.pushes.append(Push("assignee", {"account_id": account}, inverse))


def plan_transition(conn: Connection, plan: Plan, row: RowMapping) -> None:
    _move(plan, row, _text(plan.action, "the target status"), must_be_known=True)


def plan_comment(conn: Connection, plan: Plan, row: RowMapping) -> None:
    _comment(plan, _text(plan.action, "a comment"))


def plan_score(conn: Connection, plan: Plan, row: RowMapping) -> None:
    values = plan.action.value if isinstance(plan.action.value, dict) else {}
    for name, value in values.items():
        if name not in SCORE_INPUTS:
            raise TriageError(f"unknown score input {name!r}")
        if value is not None and (not isinstance(value, int | float) or value < 0):
            raise TriageError(f"{name} must be a number >= 0")
    if values.get("confidence") is not None and values["confidence"] > 1:
        raise TriageError("confidence is a fraction from 0 to 1 (e.g. 0.8)")
    if values.get("effort") == 0:
        raise TriageError("effort must be more than 0")
    plan.set(row, **values)


PLANNERS = {
    "accept": plan_accept,
    "duplicate": plan_duplicate,
    "decline": plan_decline,
    "snooze": plan_snooze,
    "priority": plan_priority,
    "labels": plan_labels,
    "assignee": plan_assignee,
    "transition": plan_transition,
    "comment": plan_comment,
    "score": plan_score,
}


def make_plan(conn: Connection, issue_id: str, action: Action) -> Plan:
    """What `action` would do to the issue; TriageError when it must not happen."""
    planner = PLANNERS.get(action.kind)
    if planner is None:
        raise TriageError(f"unknown triage action {action.kind!r}")
    row = issue_row(conn, issue_id)
    plan = Plan(issue_id, row["key"], action, known_version(conn, issue_id))
    planner(conn, plan, row)
    return plan
