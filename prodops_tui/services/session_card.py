"""The card a triage session shows for one issue: its facts, the start of its description and
the strongest evidence for it."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.evidence import Evidence, strongest_evidence
from prodops_tui.services.session_summary import SessionDecision, session_decisions
from prodops_tui.store.errors import StoreError
from prodops_tui.store.store import Store

EXCERPT = 480
"""Characters of the description on the card."""


@dataclass(frozen=True)
class Card:
    """One issue as a session shows it."""

    id: str
    seq: int
    key: str
    summary: str
    status: str
    priority: str
    score: float | None
    triage_state: str
    assignee: str
    labels: tuple[str, ...]
    excerpt: str
    evidence: int
    quotes: tuple[Evidence, ...]
    deleted: bool
    version: int = 0
    """The issue's local version when read: a decision on it is refused if it moved since."""


def read_card(store: Store, issue_id: str, quotes: int = 3) -> Card:
    """The card of one cached issue; StoreError when it is not in the workspace."""
    issue = SQLModel.metadata.tables["issue"]
    evidence = SQLModel.metadata.tables["evidence"]
    with store.read() as conn:
        row = conn.execute(select(issue).where(issue.c.id == issue_id)).mappings().first()
        if row is None:
            raise StoreError(f"no issue {issue_id} in the workspace")
        count = select(func.count()).where(evidence.c.issue_id == issue_id)
        total = int(conn.execute(count).scalar_one())
        strongest = tuple(strongest_evidence(conn, issue_id, quotes))
    description = " ".join(str(row["description_md"] or "").split())
    excerpt = description if len(description) <= EXCERPT else description[: EXCERPT - 1] + "…"
    return Card(
        id=issue_id,
        seq=int(row["seq"]),
        key=row["key"],
        summary=row["summary"],
        status=row["status"],
        priority=row["priority"],
        score=row["score"],
        triage_state=row["triage_state"],
        assignee=row["assignee"],
        labels=tuple(row["labels"] or ()),
        excerpt=excerpt,
        evidence=total,
        quotes=strongest,
        deleted=bool(row["deleted"]),
        version=int(row["version"]),
    )


def recent_decisions(store: Store, session_id: str, limit: int = 5) -> list[SessionDecision]:
    """The session's newest decisions, oldest of them first: who decided what."""
    with store.read() as conn:
        return session_decisions(conn, session_id, limit)
