"""Undo of the last triage decision (or batch) of one actor: writes not sent yet are dropped,
sent ones are reverted by compensating writes, and the local values are restored, all in one
transaction."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.services.scoring import rescore_in
from prodops_tui.services.triage_rows import TriageError, known_version
from prodops_tui.store.store import Store

__all__ = ["Undone", "undo_last"]

LOOK_BACK = 500
DATETIME_COLUMNS = frozenset({"snoozed_until"})


@dataclass
class Undone:
    """What an undo did: the issues, writes dropped and compensating writes queued."""

    keys: list[str] = field(default_factory=list)
    dropped: int = 0
    compensating: int = 0


def _last_batch(conn: Connection, actor: str) -> list[RowMapping]:
    decision = SQLModel.metadata.tables["decision"]
    query = (
        select(decision)
        .where(decision.c.actor == actor, decision.c.action != "undo")
        .order_by(decision.c.id.desc())
        .limit(LOOK_BACK)
    )
    rows = [
        r
        for r in conn.execute(query).mappings()
        if not (r["detail"] or {}).get("undone") and not (r["detail"] or {}).get("stale")
    ]
    if not rows:
        raise TriageError("nothing to undo")
    batch = rows[0]["detail"].get("batch")
    return [r for r in rows if batch and r["detail"].get("batch") == batch] or rows[:1]


def undo_last(store: Store, actor: str) -> Undone:
    """Undo `actor`'s last decision (every issue of it when it was a batch)."""
    undone = Undone()
    with store.write() as conn:
        touched: set[str] = set()
        for row in _last_batch(conn, actor):
            _undo_one(store, conn, row, actor, undone)
            touched.add(row["target"])
            touched |= {str((row["detail"].get("evidence") or {}).get("to") or "")} - {""}
        rescore_in(conn, sorted(touched))
    return undone


def _undo_one(store: Store, conn: Connection, row: RowMapping, actor: str, undone: Undone) -> None:
    detail: dict[str, Any] = dict(row["detail"])
    issue = SQLModel.metadata.tables["issue"]
    found = conn.execute(
        select(issue.c.key, issue.c.updated).where(issue.c.id == row["target"])
    ).first()
    if found is None:
        raise TriageError(f"{row['target']} is no longer in the workspace: nothing undone")
    _revert_writes(store, conn, row["target"], detail, actor, undone)
    restore = {
        k: datetime.fromisoformat(v) if k in DATETIME_COLUMNS and isinstance(v, str) else v
        for k, v in (detail.get("restore") or {}).items()
    }
    if restore:
        conn.execute(
            update(issue)
            .where(issue.c.id == row["target"])
            .values(**restore, version=issue.c.version + 1)
        )
    if detail.get("evidence"):
        _restore_evidence(conn, row["target"], detail["evidence"])
    decision = SQLModel.metadata.tables["decision"]
    conn.execute(
        update(decision).where(decision.c.id == row["id"]).values(detail={**detail, "undone": True})
    )
    conn.execute(
        insert(decision).values(
            actor=actor,
            target=row["target"],
            action="undo",
            detail={"undid": row["id"], "action": row["action"]},
            reason="",
            session_id=row["session_id"],
            created_at=datetime.now(UTC),
        )
    )
    undone.keys.append(found.key)


def _revert_writes(
    store: Store, conn: Connection, target: str, detail: dict[str, Any], actor: str, undone: Undone
) -> None:
    outbox = SQLModel.metadata.tables["outbox"]
    ids = list(detail.get("outbox") or [])
    inverses = list(detail.get("inverse") or [None] * len(ids))
    rows = {r["id"]: r for r in conn.execute(select(outbox).where(outbox.c.id.in_(ids))).mappings()}
    if any(r["state"] == OutboxState.INFLIGHT.value for r in rows.values()):
        raise TriageError("a write of that decision is being sent right now: undo in a moment")
    for edit_id, inverse in reversed(list(zip(ids, inverses, strict=False))):
        edit = rows.get(edit_id)
        if edit is None or edit["state"] == OutboxState.PENDING.value:
            _forget(conn, edit_id)
            _drop_local_comment(conn, edit_id)
            undone.dropped += 1
        elif edit["state"] == OutboxState.DONE.value:
            _compensate(store, conn, edit, inverse, actor)
            undone.compensating += 1
        else:
            error = f"undone while {edit['state']}"
            conn.execute(
                update(outbox)
                .where(outbox.c.id == edit_id)
                .values(state=OutboxState.REJECTED.value, error=error)
            )


def _compensate(store: Store, conn: Connection, edit: RowMapping, inverse: Any, actor: str) -> None:
    if not inverse:
        raise TriageError(f"the {edit['op']} write was sent and cannot be reverted in Jira")
    op, payload = str(inverse[0]), dict(inverse[1])
    if op == "comment_delete":
        payload = {"comment_id": edit["remote_id"]}
        _drop_local_comment(conn, edit["id"])
    store.enqueue(
        conn,
        target=edit["target"],
        op=op,
        payload=payload,
        base_version=known_version(conn, edit["target"]),
        actor=actor,
    )


def _forget(conn: Connection, edit_id: str) -> None:
    """Drop a write that was never sent (its decision keeps the record in `detail`)."""
    decision = SQLModel.metadata.tables["decision"]
    outbox = SQLModel.metadata.tables["outbox"]
    conn.execute(update(decision).where(decision.c.outbox_id == edit_id).values(outbox_id=None))
    conn.execute(delete(outbox).where(outbox.c.id == edit_id))


def _drop_local_comment(conn: Connection, edit_id: str) -> None:
    comment = SQLModel.metadata.tables["comment"]
    conn.execute(delete(comment).where(comment.c.remote_id == f"local:{edit_id}"))


def _restore_evidence(conn: Connection, duplicate: str, record: dict[str, Any]) -> None:
    evidence = SQLModel.metadata.tables["evidence"]
    moved = [str(f) for f in record.get("moved") or []]
    if moved:
        conn.execute(
            update(evidence)
            .where(evidence.c.issue_id == str(record["to"]), evidence.c.feedback_id.in_(moved))
            .values(issue_id=duplicate)
        )
    for row in record.get("merged") or []:
        conn.execute(insert(evidence).values(**row, issue_id=duplicate))
