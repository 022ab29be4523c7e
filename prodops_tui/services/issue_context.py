"""What the Backlog's detail pane shows beside an issue's description: cached comments, linked
feedback (quote, importance, requester, org, ARR), linked experiments and recent decisions."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.evidence import Evidence, strongest_evidence
from prodops_tui.store.store import Store, StoreError

__all__ = ["IssueContext", "issue_context"]

SHOWN = 20


@dataclass(frozen=True)
class CommentLine:
    when: str
    author: str
    body: str


@dataclass(frozen=True)
class ExperimentLine:
    name: str
    status: str
    result: str


@dataclass(frozen=True)
class DecisionLine:
    when: str
    actor: str
    action: str
    detail: str
    reason: str


@dataclass
class IssueContext:
    id: str
    key: str
    comments: list[CommentLine] = field(default_factory=list)
    comments_note: str = ""
    feedback: list[Evidence] = field(default_factory=list)
    experiments: list[ExperimentLine] = field(default_factory=list)
    decisions: list[DecisionLine] = field(default_factory=list)


def _when(moment: Any) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(moment or "")[:16].replace("T", " ")


def issue_context(store: Store, issue_id: str) -> IssueContext:
    issue = SQLModel.metadata.tables["issue"]
    with store.read() as conn:
        row = conn.execute(
            select(issue.c.key, issue.c.labels).where(issue.c.id == issue_id)
        ).first()
        if row is None:
            raise StoreError(f"no issue {issue_id} in the workspace")
        context = IssueContext(issue_id, row.key)
        context.comments = _comments(conn, issue_id)
        context.feedback = strongest_evidence(conn, issue_id, SHOWN)
        context.experiments = _experiments(conn, row.key, list(row.labels or []))
        context.decisions = _decisions(conn, issue_id)
    return context


def _comments(conn: Connection, issue_id: str) -> list[CommentLine]:
    comment = SQLModel.metadata.tables["comment"]
    query = (
        select(comment.c.created, comment.c.author, comment.c.body, comment.c.remote_id)
        .where(comment.c.target == issue_id)
        .order_by(comment.c.created.desc())
        .limit(SHOWN)
    )
    return [
        CommentLine(
            _when(c.created) + (" (queued)" if c.remote_id.startswith("local:") else ""),
            c.author,
            c.body,
        )
        for c in conn.execute(query)
    ][::-1]


def _experiments(conn: Connection, key: str, labels: list[str]) -> list[ExperimentLine]:
    """Experiments linked as scoring links them: flag_key among the labels, or the issue key
    listed in results.issue_keys (checked in Python: JSON queries differ per dialect)."""
    experiment = SQLModel.metadata.tables["experiment"]
    query = select(
        experiment.c.name, experiment.c.status, experiment.c.flag_key, experiment.c.results
    ).order_by(experiment.c.start.desc())
    found = []
    for name, status, flag, results in conn.execute(query):
        results = results if isinstance(results, dict) else {}
        if flag in labels or key in (results.get("issue_keys") or []):
            found.append(ExperimentLine(name, status, _result(results)))
    return found[:SHOWN]


def _result(results: dict[str, Any]) -> str:
    if "lift" not in results:
        return ""
    sure = results.get("chance_to_win")
    how = f"chance to win {sure:.0%}" if isinstance(sure, int | float) else ""
    if not how and isinstance(results.get("p_value"), int | float):
        how = f"p = {results['p_value']:.3f}"
    return f"lift {results['lift']:+.1%}" + (f", {how}" if how else "")


def _decisions(conn: Connection, issue_id: str) -> list[DecisionLine]:
    decision = SQLModel.metadata.tables["decision"]
    query = (
        select(decision)
        .where(decision.c.target == issue_id)
        .order_by(decision.c.id.desc())
        .limit(SHOWN)
    )
    return [
        DecisionLine(
            _when(d["created_at"]),
            d["actor"],
            d["action"],
            _summary(d["detail"]),
            d["reason"] or "",
        )
        for d in conn.execute(query).mappings()
    ]


def _summary(detail: Any) -> str:
    if not isinstance(detail, dict):
        return ""
    changed = detail.get("set") or {}
    parts = [f"{k} {v}" for k, v in changed.items() if k not in ("transitions", "status_category")]
    if detail.get("undone"):
        parts.append("(undone)")
    return ", ".join(str(p) for p in parts)
