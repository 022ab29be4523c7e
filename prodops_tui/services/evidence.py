"""The evidence linked to an issue, strongest first: what the Backlog's detail pane and a triage
session's card quote."""

from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)

__all__ = ["Evidence", "strongest_evidence"]


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: what the customer said, how much it matters, who said it."""

    text: str
    importance: int
    requester: str
    org: str
    arr: float


def strongest_evidence(conn: Connection, issue_id: str, limit: int) -> list[Evidence]:
    """Most important first, then the largest account, then the newest; the quote, else the
    ticket's subject."""
    evidence = SQLModel.metadata.tables["evidence"]
    feedback = SQLModel.metadata.tables["feedback"]
    org = SQLModel.metadata.tables["org"]
    query = (
        select(
            evidence.c.quote,
            feedback.c.subject,
            evidence.c.importance,
            feedback.c.requester,
            feedback.c.requester_email,
            org.c.name,
            org.c.arr,
        )
        .select_from(evidence.join(feedback, feedback.c.id == evidence.c.feedback_id))
        .outerjoin(org, org.c.id == feedback.c.org_id)
        .where(evidence.c.issue_id == issue_id)
        .order_by(evidence.c.importance.desc(), org.c.arr.desc().nulls_last(), evidence.c.id.desc())
        .limit(limit)
    )
    return [
        Evidence(
            quote or subject or "",
            int(importance or 1),
            requester or email or "",
            name or "",
            float(arr or 0.0),
        )
        for quote, subject, importance, requester, email, name, arr in conn.execute(query)
    ]
