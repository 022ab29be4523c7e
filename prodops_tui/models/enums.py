"""Enumerations shared by every layer; free of SQLModel so screens can import them before paint."""

from enum import StrEnum


class ConnectionKind(StrEnum):
    JIRA = "jira"
    ZENDESK = "zendesk"
    GROWTHBOOK = "growthbook"
    MIXPANEL = "mixpanel"


class StatusCategory(StrEnum):
    NEW = "new"
    IN_PROGRESS = "indeterminate"
    DONE = "done"


class TriageState(StrEnum):
    """Ours, not the tracker's: where an issue stands in our triage queue."""

    UNTRIAGED = "untriaged"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    DECLINED = "declined"
    SNOOZED = "snoozed"


class FeedbackKind(StrEnum):
    TICKET = "ticket"
    CSAT = "csat"
    NPS = "nps"
    IMPORT = "import"


class FeedbackState(StrEnum):
    NEW = "new"
    PROCESSED = "processed"
    SNOOZED = "snoozed"
    ARCHIVED = "archived"


class OrgTier(StrEnum):
    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    ENTERPRISE = "enterprise"


class ExperimentSource(StrEnum):
    GROWTHBOOK = "growthbook"
    LOCAL = "local"


class ExperimentDesign(StrEnum):
    AB = "ab"
    SWITCHBACK = "switchback"
    GEO = "geo"


class ExperimentStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    STOPPED = "stopped"


class ToolStatus(StrEnum):
    EVALUATING = "evaluating"
    ACTIVE = "active"
    RETIRING = "retiring"
    RETIRED = "retired"


class OutboxState(StrEnum):
    PENDING = "pending"
    INFLIGHT = "inflight"
    DONE = "done"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class SessionState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


JIRA_PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
"""Jira's default priority scheme, highest first."""
