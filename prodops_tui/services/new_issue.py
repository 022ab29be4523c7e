"""Issues created locally: a placeholder row and its `create` edit now, the real Jira id later.

The placeholder (`<jira connection>:new-<hex>`, key `<PROJECT>-new`) can be linked, scored and
read at once; when the push creates the issue, `adopt_created` moves the row, its evidence and
its pending edits to the real id (the next sync fills in the key and the rest).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.store.store import Store, StoreError

__all__ = ["IssueDraft", "adopt_created", "is_placeholder", "queue_issue"]

MARK = ":new-"


@dataclass(frozen=True)
class IssueDraft:
    """A Jira issue to create: where, what kind, and its text."""

    project: str
    summary: str
    description: str = ""
    type: str = "Task"


def is_placeholder(issue_id: str) -> bool:
    return MARK in issue_id


def _jira_connection(conn: Connection) -> str:
    connection = SQLModel.metadata.tables["connection"]
    query = select(connection.c.id).where(connection.c.kind == "jira").order_by(connection.c.id)
    found = conn.execute(query).scalars().first()
    if found is None:
        raise StoreError("no Jira connection: run `prodops connect jira` first")
    return str(found)


def queue_issue(conn: Connection, store: Store, draft: IssueDraft, actor: str) -> str:
    """Write the placeholder issue, its decision and its `create` edit; returns its id."""
    project = draft.project.strip().upper()
    summary = " ".join(draft.summary.split())
    if not project.replace("_", "").isalnum():
        raise StoreError("a new issue needs a project key (letters and digits)")
    if not summary or len(summary) > 255:
        raise StoreError("a new issue needs a summary of 1-255 characters")
    now = datetime.now(UTC)
    issue_id = f"{_jira_connection(conn)}{MARK}{uuid4().hex[:12]}"
    conn.execute(
        insert(SQLModel.metadata.tables["issue"]).values(
            id=issue_id,
            connection_id=issue_id.rsplit(":", 1)[0],
            key=f"{project}-new",
            project=project,
            type=draft.type,
            summary=summary,
            description_md=draft.description,
            created=now,
            updated=now,
            labels=[],
            transitions=[],
        )
    )
    payload = {"project": project, "type": draft.type, "summary": summary}
    payload["markdown"] = draft.description
    edit_id = store.enqueue(
        conn, target=issue_id, op="create", payload=payload, base_version="", actor=actor
    )
    conn.execute(
        insert(SQLModel.metadata.tables["decision"]).values(
            actor=actor,
            target=issue_id,
            action="create",
            detail={"project": project, "summary": summary},
            outbox_id=edit_id,
            created_at=now,
        )
    )
    return issue_id


def adopt_created(store: Store, placeholder: str, real_id: str) -> None:
    """Give the placeholder's row, evidence, decisions and later edits the real issue id."""
    if not is_placeholder(placeholder) or not real_id or real_id == placeholder:
        return
    issue = SQLModel.metadata.tables["issue"]
    with store.write() as conn:
        row = conn.execute(select(issue).where(issue.c.id == placeholder)).mappings().first()
        if row is None:
            return
        exists = conn.execute(select(issue.c.id).where(issue.c.id == real_id)).first()
        if exists is None:
            values: dict[str, Any] = {k: v for k, v in row.items() if k != "seq"}
            conn.execute(insert(issue).values(**{**values, "id": real_id}))
        _retarget(conn, placeholder, real_id)
        conn.execute(delete(issue).where(issue.c.id == placeholder))


def _retarget(conn: Connection, placeholder: str, real_id: str) -> None:
    known = SQLModel.metadata.tables
    evidence, decision, outbox = known["evidence"], known["decision"], known["outbox"]
    taken = select(evidence.c.feedback_id).where(evidence.c.issue_id == real_id)
    conn.execute(
        delete(evidence).where(
            evidence.c.issue_id == placeholder, evidence.c.feedback_id.in_(taken)
        )
    )
    conn.execute(
        update(evidence).where(evidence.c.issue_id == placeholder).values(issue_id=real_id)
    )
    conn.execute(update(decision).where(decision.c.target == placeholder).values(target=real_id))
    waiting = (OutboxState.PENDING.value, OutboxState.INFLIGHT.value)
    conn.execute(
        update(outbox)
        .where(outbox.c.target == placeholder, outbox.c.state.in_(waiting))
        .values(target=real_id)
    )
