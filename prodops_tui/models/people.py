"""People and conversation cached from the services: users/agents and comments."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def _moment() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class Person(SQLModel, table=True):
    """A user of a connected service: a Jira user (assignable, licensed) or a Zendesk agent."""

    __table_args__ = (UniqueConstraint("connection_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    connection_id: str = Field(foreign_key="connection.id", index=True)
    account_id: str
    """The service's id for the person (Jira accountId, Zendesk user id)."""
    display_name: str = ""
    email: str = ""
    role: str = ""
    """E.g. `agent`, `admin`, `atlassian` (a licensed Jira user), `assignable`."""
    active: bool = True
    seen_at: datetime | None = _moment()


class Comment(SQLModel, table=True):
    """A comment on an issue or a ticket, cached for reading offline."""

    __table_args__ = (
        UniqueConstraint("target", "remote_id"),
        Index("ix_comment_target_created", "target", "created"),
    )

    id: int | None = Field(default=None, primary_key=True)
    target: str
    """The issue or feedback id the comment belongs to."""
    remote_id: str = ""
    author: str = ""
    body: str = ""
    """Plain text or Markdown (Jira comments are rendered from ADF)."""
    public: bool = True
    created: datetime | None = _moment()
