"""SQLModel tables: the workspace's data model (ARCHITECTURE.md, "Data model")."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


def _json(nullable: bool = False) -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=nullable))


def _moment(nullable: bool = True, index: bool = False) -> Any:
    return Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index)
    )


def _seq() -> Any:
    """A portable integer row number: the key for FTS rowids, id snapshots and keyset pages."""
    return Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
    )


class Connection(SQLModel, table=True):
    """A configured link to one remote service; its secret lives in the credential store."""

    id: str = Field(primary_key=True)
    kind: str
    name: str
    base_url: str
    account: str = ""
    auth_method: str = ""
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Org(SQLModel, table=True):
    """A customer organisation, from Zendesk or a CSV import."""

    id: str = Field(primary_key=True)
    name: str
    tier: str = "free"
    arr: float = 0.0
    """Annual recurring revenue in the workspace currency."""


LIST_FILTER_INDEX = "ix_issue_list_filters"
"""SQLite only (migration 0005): the columns query-bar filters test, in display order, so a
filtered list reads the index instead of the issue rows (PostgreSQL cannot index JSON labels)."""


class Issue(SQLModel, table=True):
    """A Jira issue as cached, plus our local-only triage fields."""

    __table_args__ = (
        Index("ix_issue_updated_seq", "updated", "seq"),
        Index(
            LIST_FILTER_INDEX,
            *("updated", "seq", "status", "priority", "assignee", "type", "labels", "project"),
            *("triage_state", "status_category", "snoozed_until", "score", "id"),
        ).ddl_if(dialect="sqlite"),
    )

    seq: int | None = _seq()
    id: str = Field(unique=True)
    """`jira:<site>:<remote id>`."""
    connection_id: str | None = Field(default=None, foreign_key="connection.id")
    key: str = Field(index=True)
    project: str = ""
    type: str = ""
    summary: str = ""
    description_adf: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    description_md: str = ""
    status: str = ""
    status_category: str = "new"
    priority: str = ""
    assignee: str = ""
    labels: list[str] = _json()
    estimate: float | None = None
    usage_event: str = ""
    """The Mixpanel event that measures use of what this issue ships."""
    created: datetime | None = _moment()
    updated: datetime | None = _moment(nullable=False)
    deleted: bool = False
    version: int = 1
    """Local optimistic-lock counter, bumped on every local write."""
    triage_state: str = "untriaged"
    snoozed_until: datetime | None = _moment()
    reach: float | None = None
    impact: float | None = None
    confidence: float | None = None
    effort: float | None = None
    score: float | None = None
    duplicate_of: str = ""
    """The canonical issue's id when triage closed this one as its duplicate."""
    transitions: list[dict[str, Any]] = _json()
    """The workflow transitions last seen for this issue: [{"id", "name", "to"}]."""


class Feedback(SQLModel, table=True):
    """A ticket, satisfaction rating, NPS response or imported row."""

    __table_args__ = (
        Index("ix_feedback_updated_seq", "updated", "seq"),
        Index("ix_feedback_state_updated", "state", "updated"),
    )

    seq: int | None = _seq()
    id: str = Field(unique=True)
    kind: str = "ticket"
    external_id: str = ""
    connection_id: str | None = Field(default=None, foreign_key="connection.id")
    requester: str = ""
    requester_email: str = ""
    org_id: str | None = Field(default=None, foreign_key="org.id", index=True)
    channel: str = ""
    subject: str = ""
    body: str = ""
    tags: list[str] = _json()
    score: int | None = None
    """CSAT 1-5 or NPS 0-10; None for tickets."""
    created: datetime | None = _moment()
    updated: datetime | None = _moment(nullable=False)
    updated_stamp: str = ""
    """Zendesk's `updated_at` as received, sent back with `safe_update`."""
    state: str = "new"
    snoozed_until: datetime | None = _moment()
    version: int = 1


class Evidence(SQLModel, table=True):
    """A link from feedback to the issue it supports."""

    __table_args__ = (UniqueConstraint("feedback_id", "issue_id"),)

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: str = Field(foreign_key="feedback.id", index=True)
    issue_id: str = Field(foreign_key="issue.id", index=True)
    importance: int = 1
    """1 nice-to-have, 2 important, 3 blocker."""
    quote: str = ""
    created_by: str = ""
    created_at: datetime | None = _moment()


class Experiment(SQLModel, table=True):
    """An A/B, switchback or geo experiment, synced or planned locally."""

    seq: int | None = _seq()
    id: str = Field(unique=True)
    source: str = "local"
    name: str
    design: str = "ab"
    status: str = "draft"
    owner: str = ""
    surface: str = ""
    flag_key: str = ""
    primary_metric: str = ""
    hypothesis: str = ""
    namespace_start: float = 0.0
    namespace_end: float = 1.0
    traffic_pct: float = 100.0
    audience: str = ""
    variations: list[dict[str, Any]] = _json()
    regions: list[str] = _json()
    bucket_hours: int | None = None
    treated_geos: list[str] = _json()
    donor_geos: list[str] = _json()
    start: date | None = None
    end: date | None = None
    results: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated: datetime | None = _moment()


class Tool(SQLModel, table=True):
    """A tool in the product team's stack."""

    seq: int | None = _seq()
    id: str = Field(unique=True)
    name: str = Field(unique=True)
    category: str = ""
    owner: str = ""
    seats_bought: int = 0
    seats_used: int = 0
    monthly_cost: float = 0.0
    renewal_date: date | None = None
    connection_id: str | None = Field(default=None, foreign_key="connection.id")
    status: str = "active"
    notes: str = ""


class SyncState(SQLModel, table=True):
    """Where one stream of one connection has synced to."""

    __tablename__ = "sync_state"

    connection_id: str = Field(primary_key=True, foreign_key="connection.id")
    stream: str = Field(primary_key=True)
    cursor: str = ""
    last_success_at: datetime | None = _moment()
    last_error: str = ""
    last_error_at: datetime | None = _moment()
    items_changed: int = 0
    rate_remaining: int | None = None
    rate_reset_at: datetime | None = _moment()


class Outbox(SQLModel, table=True):
    """A local edit on its way to a service; the id is also the idempotency key."""

    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)

    id: str = Field(primary_key=True)
    target: str
    """The remote item, e.g. an issue or feedback id."""
    op: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_version: str = ""
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = _moment()
    lease_owner: str = ""
    lease_until: datetime | None = _moment()
    error: str = ""
    remote_id: str = ""
    actor: str = ""
    created_at: datetime | None = _moment()


class TriageSession(SQLModel, table=True):
    """A timed triage session run by an ops lead."""

    __tablename__ = "triage_session"

    id: str = Field(primary_key=True)
    name: str = ""
    view: str = ""
    queue: list[str] = _json()
    timebox_minutes: int = 60
    participants: list[str] = _json()
    state: str = "active"
    current_item: str = ""
    created_by: str = ""
    started_at: datetime | None = _moment()
    ended_at: datetime | None = _moment()
    summary: str = ""
    policy: str = "lead"
    """Who may decide: `lead` (the session's creator) or `anyone` among the participants."""
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Position, parked and skipped items, seconds per item, paused time."""


class Decision(SQLModel, table=True):
    """Who decided what about which item, when and why."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str
    target: str = Field(index=True)
    action: str
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str = ""
    session_id: str | None = Field(default=None, foreign_key="triage_session.id")
    outbox_id: str | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime | None = _moment(index=True)


class SavedView(SQLModel, table=True):
    """A named query, sort and column set for one screen."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("screen", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    screen: str
    query: str = ""
    sort: str = ""
    columns: list[str] = _json()


class WorkspaceMeta(SQLModel, table=True):
    """Key/value facts about the workspace itself (marks the file as a prodops workspace)."""

    __tablename__ = "workspace_meta"

    key: str = Field(primary_key=True)
    value: str = ""


from prodops_tui.models.people import Comment, Person  # noqa: E402, F401  (same metadata)
from prodops_tui.models.usage import UsageDaily  # noqa: E402, F401  (on the same metadata)
