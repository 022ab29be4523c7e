"""What the Inbox's reading pane shows beyond the row: the ticket's comments (cached, else fetched
from Zendesk once) and the issues the item is evidence for."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import FeedbackKind
from prodops_tui.store.store import Store, StoreError

__all__ = ["Link", "Reading", "fetch_comments", "reading", "wants_thread"]

SecretFor = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Link:
    """An issue this feedback is evidence for."""

    key: str
    summary: str
    importance: int
    quote: str


@dataclass
class Reading:
    """One feedback item's text, comments and links."""

    id: str
    kind: str
    connection_id: str
    subject: str
    body: str
    comments: list[dict[str, Any]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


def wants_thread(item: Reading) -> bool:
    """A Zendesk ticket whose comments are not cached yet."""
    is_ticket = item.kind == FeedbackKind.TICKET.value
    return is_ticket and item.connection_id.startswith("zendesk:") and not item.comments


def reading(store: Store, feedback_id: str) -> Reading:
    known = SQLModel.metadata.tables
    feedback, comment = known["feedback"], known["comment"]
    evidence, issue = known["evidence"], known["issue"]
    with store.read() as conn:
        row = conn.execute(
            select(
                feedback.c.kind, feedback.c.connection_id, feedback.c.subject, feedback.c.body
            ).where(feedback.c.id == feedback_id)
        ).first()
        if row is None:
            raise StoreError(f"no feedback {feedback_id} in the workspace")
        comments = conn.execute(
            select(comment.c.author, comment.c.body, comment.c.public, comment.c.created)
            .where(comment.c.target == feedback_id)
            .order_by(comment.c.created, comment.c.id)
        ).mappings()
        links = conn.execute(
            select(issue.c.key, issue.c.summary, evidence.c.importance, evidence.c.quote)
            .join(issue, issue.c.id == evidence.c.issue_id)
            .where(evidence.c.feedback_id == feedback_id)
            .order_by(evidence.c.importance.desc(), issue.c.key)
        ).all()
        item = Reading(feedback_id, row.kind, row.connection_id or "", row.subject, row.body)
        item.comments = [dict(c) for c in comments]
        item.links = [Link(*link) for link in links]
    return item


async def fetch_comments(store: Store, feedback_id: str, secret_for: SecretFor, **http: Any) -> int:
    """Read a Zendesk ticket's comments from Zendesk and cache them; how many there are. A
    person waits on the thread: one retry at most unless `http` carries another `policy`."""
    from prodops_tui.connectors.retry import INTERACTIVE
    from prodops_tui.services.registry import open_connector

    http.setdefault("policy", INTERACTIVE)
    connection_id = feedback_id.split(":ticket:", 1)[0]
    table = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        row = conn.execute(select(table).where(table.c.id == connection_id)).mappings().first()
    if row is None:
        raise StoreError(f"no connection {connection_id} for this ticket")
    secret = secret_for(dict(row))
    if secret is None:
        raise StoreError(f"no credential for {connection_id}: run `prodops connect zendesk`")
    async with open_connector(dict(row), secret, **http) as connector:
        found = await connector.comments(feedback_id)  # type: ignore[attr-defined]
    _cache(store, feedback_id, found)
    return len(found)


def _cache(store: Store, target: str, found: list[dict[str, Any]]) -> None:
    comment = SQLModel.metadata.tables["comment"]
    make = pg_insert if store.dialect == "postgresql" else sqlite_insert
    rows = [
        {
            "target": target,
            "remote_id": str(c["id"]),
            "author": str(c.get("author") or ""),
            "body": str(c.get("body") or ""),
            "public": bool(c.get("public")),
            "created": c.get("created") if isinstance(c.get("created"), datetime) else None,
        }
        for c in found
    ]
    if not rows:
        return
    with store.write() as conn:
        conn.execute(
            make(comment).on_conflict_do_nothing(index_elements=["target", "remote_id"]), rows
        )
