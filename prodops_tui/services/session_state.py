"""A triage session as stored, and who may steer it: no I/O here (see services/sessions.py)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prodops_tui.models.enums import SessionState
from prodops_tui.store.errors import StoreError

POLICIES = ("lead", "anyone")
"""Who decides: only the session's lead, or anyone who joined it."""
MAX_TIMEBOX = 8 * 60
"""Minutes: the longest timebox a session may have."""
Progress = dict[str, Any]
"""The `progress` JSON: position, since, elapsed, seconds, parked, skipped, decided, rev, last."""
Values = dict[str, Any]
"""Columns of the triage_session row to set."""


class SessionRefused(StoreError):
    """A session step this actor may not take now (the message says why)."""


def aware(moment: Any) -> datetime | None:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Session:
    """One triage session as stored: its queue, people, state and progress."""

    id: str
    name: str
    view: str
    queue: tuple[str, ...]
    timebox_minutes: int
    participants: tuple[str, ...]
    state: str
    current_item: str
    lead: str
    policy: str
    progress: Mapping[str, Any]
    started_at: datetime | None = None
    ended_at: datetime | None = None
    summary: str = ""

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> "Session":
        return cls(
            id=row["id"],
            name=row["name"],
            view=row["view"],
            queue=tuple(row["queue"] or ()),
            timebox_minutes=int(row["timebox_minutes"]),
            participants=tuple(row["participants"] or ()),
            state=row["state"],
            current_item=row["current_item"],
            lead=row["created_by"],
            policy=row["policy"],
            progress=dict(row["progress"] or {}),
            started_at=aware(row["started_at"]),
            ended_at=aware(row["ended_at"]),
            summary=row["summary"],
        )

    @property
    def position(self) -> int:
        """Index of the current item in the queue (len(queue) once every item was seen)."""
        return int(self.progress.get("position", 0))

    @property
    def revision(self) -> int:
        """Bumped by every change: followers re-read the card and decisions when it moves."""
        return int(self.progress.get("rev", 0))

    def items(self, kind: str) -> tuple[str, ...]:
        """The `parked`, `skipped` or `decided` items, in the order it happened."""
        return tuple(self.progress.get(kind, ()))

    def item_seconds(self, item: str, now: datetime) -> float:
        """Active seconds spent on `item`, the running clock included when it is current."""
        spent = float(self.progress.get("seconds", {}).get(item, 0.0))
        return spent + (self.running_seconds(now) if item == self.current_item else 0.0)

    def active_seconds(self, now: datetime) -> float:
        """Seconds the session has been running, pauses left out."""
        return float(self.progress.get("elapsed", 0.0)) + self.running_seconds(now)

    def seconds_left(self, now: datetime) -> float:
        """Of the timebox; negative once over time."""
        return self.timebox_minutes * 60 - self.active_seconds(now)

    def running_seconds(self, now: datetime) -> float:
        since = aware(self.progress.get("since"))
        return max((now - since).total_seconds(), 0.0) if since else 0.0

    def counter(self) -> str:
        """Where the session is, "3 of 12" (or "done of 12")."""
        total = len(self.queue)
        return f"{self.position + 1} of {total}" if self.position < total else f"done of {total}"

    def members(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.lead, *self.participants)))


def refusal(session: Session, actor: str, *, paused_ok: bool = False) -> str:
    """Why `actor` may not steer or decide in `session` now; "" when they may."""
    if session.state == SessionState.ENDED:
        return f"Session {session.name!r} has ended"
    if session.state == SessionState.PAUSED and not paused_ok:
        return "The session is paused: resume it first"
    if session.policy == "lead" and actor != session.lead:
        return f"Only the lead ({session.lead}) decides in this session"
    if actor not in session.members():
        return f"Join the session first: prodops triage --join {session.id}"
    return ""
