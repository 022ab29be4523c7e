"""Triage decisions: each writes the local change, a `decision` row and its outbox rows in one
store transaction; a batch applies one action to many issues in one transaction; a preview
lists every change without writing. Undo lives in services/triage_undo.py."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.scoring import rescore_in
from prodops_tui.services.triage_plan import (
    DEFAULT_READY,
    READY_KEY,
    Action,
    Change,
    Plan,
    TriageError,
    make_plan,
    ready_status,
)
from prodops_tui.services.versions import ItemChanged, Stale, changed_under, lock_item
from prodops_tui.store.store import Store

__all__ = [
    "DEFAULT_READY",
    "Action",
    "Change",
    "Decided",
    "TriageError",
    "accept",
    "assign",
    "batch",
    "comment",
    "decide",
    "decline",
    "duplicate_of",
    "get_ready_status",
    "jsonable",
    "labels",
    "preview",
    "score_inputs",
    "set_priority",
    "set_ready_status",
    "snooze",
    "transition",
]


@dataclass(frozen=True)
class Decided:
    """What a decision or batch wrote."""

    decisions: list[int] = field(default_factory=list)
    outbox: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def jsonable(value: Any) -> Any:
    """Values as JSON keeps them in decision.detail (dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def get_ready_status(store: Store) -> str:
    """Where `accept` moves an issue (workspace setting, default "Selected for Development")."""
    with store.read() as conn:
        return ready_status(conn)


def set_ready_status(store: Store, status: str) -> None:
    if not status.strip():
        raise TriageError("the ready status cannot be empty")
    store.upsert("workspace_meta", [{"key": READY_KEY, "value": status.strip()}])


def preview(store: Store, issue_ids: Sequence[str], action: Action) -> list[Change]:
    """Every change `action` would make to these issues; writes nothing."""
    with store.read() as conn:
        return [change for i in issue_ids for change in make_plan(conn, i, action).changes()]


def decide(
    store: Store,
    issue_id: str,
    action: Action,
    actor: str,
    *,
    session_id: str | None = None,
    seen_version: int | None = None,
) -> Decided:
    """Apply one decision to one issue (see `batch` for `seen_version`)."""
    seen = None if seen_version is None else {issue_id: seen_version}
    return batch(store, [issue_id], action, actor, session_id=session_id, seen=seen)


def batch(
    store: Store,
    issue_ids: Sequence[str],
    action: Action,
    actor: str,
    *,
    session_id: str | None = None,
    seen: Mapping[str, int] | None = None,
) -> Decided:
    """Apply one action to many issues in one transaction: all of them or, on any refusal,
    none (the TriageError names the issue).

    `seen`: issue id -> the version the member decided on. An issue changed since (by another
    member or a sync) gets its decision logged but not applied, and ItemChanged is raised once
    the rest is committed (services/versions.py)."""
    if not issue_ids:
        raise TriageError("no issues to change")
    if len(set(issue_ids)) != len(issue_ids):
        raise TriageError("an issue is listed twice")
    decided = Decided()
    batch_id = str(uuid4())
    stale: list[Stale] = []
    with store.write() as conn:
        touched: set[str] = set()
        for issue_id in sorted(issue_ids):  # one order for every member: no deadlock
            lock_item(conn, "issue", issue_id)
        for issue_id in issue_ids:
            plan = make_plan(conn, issue_id, action)
            moved = changed_under(conn, "issue", issue_id, plan.key, (seen or {}).get(issue_id))
            if moved is not None:
                stale.append(moved)
                plan = Plan(plan.issue_id, plan.key, action, plan.base)
            _apply(store, conn, plan, actor, session_id, batch_id, decided, moved)
            touched |= {issue_id, plan.canonical} - {""}
        rescore_in(conn, sorted(touched))
    if stale:
        raise ItemChanged(stale)
    return decided


def _apply(
    store: Store,
    conn: Connection,
    plan: Plan,
    actor: str,
    session_id: str | None,
    batch_id: str,
    decided: Decided,
    stale: Stale | None = None,
) -> None:
    issue = SQLModel.metadata.tables["issue"]
    if plan.columns:
        conn.execute(
            update(issue)
            .where(issue.c.id == plan.issue_id)
            .values(**plan.columns, version=issue.c.version + 1)
        )
    moved = _move_evidence(conn, plan.issue_id, plan.canonical) if plan.canonical else None
    edits = [
        store.enqueue(
            conn,
            target=plan.issue_id,
            op=push.op,
            payload=push.payload,
            base_version=plan.base,
            actor=actor,
        )
        for push in plan.pushes
    ]
    for push, edit_id in zip(plan.pushes, edits, strict=True):
        if push.op == "comment":
            _cache_comment(conn, plan.issue_id, edit_id, actor, str(push.payload["markdown"]))
    detail = {
        "batch": batch_id,
        "value": jsonable(plan.action.value),
        "restore": jsonable(plan.old),
        "set": jsonable(plan.columns),
        "outbox": edits,
        "inverse": [jsonable(p.inverse) for p in plan.pushes],
        "evidence": moved,
    }
    if stale is not None:
        detail["stale"] = stale.detail()
    decision = SQLModel.metadata.tables["decision"]
    result = conn.execute(
        insert(decision).values(
            actor=actor,
            target=plan.issue_id,
            action=plan.action.kind,
            detail=detail,
            reason=plan.action.reason.strip(),
            session_id=session_id,
            outbox_id=edits[0] if edits else None,
            created_at=datetime.now(UTC),
        )
    )
    decided.decisions.extend(result.inserted_primary_key or [])
    decided.outbox.extend(edits)
    decided.changes.extend(plan.changes())


def _cache_comment(conn: Connection, issue_id: str, edit_id: str, actor: str, text: str) -> None:
    """Show the comment at once; a comment fetch replaces it with Jira's copy once pushed."""
    comment = SQLModel.metadata.tables["comment"]
    row = {"target": issue_id, "remote_id": f"local:{edit_id}", "author": actor, "body": text}
    conn.execute(insert(comment).values(**row, public=True, created=datetime.now(UTC)))


def _move_evidence(conn: Connection, duplicate: str, canonical: str) -> dict[str, Any]:
    """Move the duplicate's evidence to the canonical issue; a feedback already linked there
    keeps the canonical row (the duplicate's is kept in the record, for undo)."""
    evidence = SQLModel.metadata.tables["evidence"]
    there = set(
        conn.execute(select(evidence.c.feedback_id).where(evidence.c.issue_id == canonical))
        .scalars()
        .all()
    )
    columns = (evidence.c.feedback_id, evidence.c.importance, evidence.c.quote)
    rows = conn.execute(
        select(*columns, evidence.c.created_by).where(evidence.c.issue_id == duplicate)
    ).mappings()
    merged = [dict(r) for r in rows if r["feedback_id"] in there]
    moved = conn.execute(
        update(evidence)
        .where(evidence.c.issue_id == duplicate, evidence.c.feedback_id.not_in(there))
        .values(issue_id=canonical)
        .returning(evidence.c.feedback_id)
    )
    moved_ids = list(moved.scalars())
    if merged:
        conn.execute(
            evidence.delete().where(
                evidence.c.issue_id == duplicate,
                evidence.c.feedback_id.in_([m["feedback_id"] for m in merged]),
            )
        )
    return {"to": canonical, "moved": moved_ids, "merged": merged}


def accept(store: Store, issue_id: str, actor: str, **kw: Any) -> Decided:
    """Accept into the backlog: move to the configured ready status."""
    return decide(store, issue_id, Action("accept"), actor, **kw)


def duplicate_of(store: Store, issue_id: str, canonical_id: str, actor: str, **kw: Any) -> Decided:
    return decide(store, issue_id, Action("duplicate", canonical_id), actor, **kw)


def decline(store: Store, issue_id: str, reason: str, actor: str, **kw: Any) -> Decided:
    return decide(store, issue_id, Action("decline", reason=reason), actor, **kw)


def snooze(store: Store, issue_id: str, until: date, actor: str, **kw: Any) -> Decided:
    return decide(store, issue_id, Action("snooze", until), actor, **kw)


def set_priority(store: Store, issue_id: str, name: str, actor: str, **kw: Any) -> str:
    """Set the priority; returns the outbox id ("" when it already was `name`)."""
    edits = decide(store, issue_id, Action("priority", name), actor, **kw).outbox
    return edits[0] if edits else ""


def labels(
    store: Store, issue_id: str, actor: str, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> Decided:
    change = {"add": list(add), "remove": list(remove)}
    return decide(store, issue_id, Action("labels", change), actor)


def assign(store: Store, issue_id: str, account_id: str, name: str, actor: str) -> Decided:
    """Assign to a person (account id and display name); empty both to unassign."""
    return decide(store, issue_id, Action("assignee", (account_id, name)), actor)


def transition(store: Store, issue_id: str, status: str, actor: str, **kw: Any) -> Decided:
    return decide(store, issue_id, Action("transition", status), actor, **kw)


def comment(store: Store, issue_id: str, text: str, actor: str, **kw: Any) -> Decided:
    return decide(store, issue_id, Action("comment", text), actor, **kw)


def score_inputs(
    store: Store, issue_id: str, inputs: dict[str, float | None], actor: str, **kw: Any
) -> Decided:
    """Type in (or clear, with None) reach, impact, confidence and effort; rescored at once."""
    return decide(store, issue_id, Action("score", dict(inputs)), actor, **kw)
