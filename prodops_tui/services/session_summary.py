"""What a triage session produced: its decisions (who, what, why), and the Markdown summary
saved at the end (decisions, parked and skipped items, time per item, totals)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.session_state import Session, aware
from prodops_tui.store.store import Store


@dataclass(frozen=True)
class SessionDecision:
    """One decision taken in a session, with the issue's key."""

    actor: str
    item: str
    key: str
    action: str
    detail: dict[str, Any]
    reason: str
    at: datetime | None

    undone: bool = False

    def what(self) -> str:
        """The decision in a few words, e.g. "priority High" or "labels +ux -old"."""
        if "to" in self.detail:
            return f"{self.action} {_flat(self.detail.get('from'))} -> {_flat(self.detail['to'])}"
        value = self.detail.get("value")
        if self.action == "labels" and isinstance(value, dict):
            changes = [f"+{v}" for v in value.get("add", [])]
            value = " ".join(changes + [f"-{v}" for v in value.get("remove", [])])
        elif self.action == "assignee" and isinstance(value, list | tuple) and len(value) == 2:
            value = value[1] or "nobody"
        elif self.action == "score" and isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items() if v is not None)
        text = f"{self.action} {_flat(value)}" if value not in (None, "", [], {}) else self.action
        if self.detail.get("stale"):
            return f"{text} (not applied: the issue changed meanwhile)"
        return f"{text} (undone)" if self.undone else text


def _flat(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def session_decisions(conn: Connection, session_id: str, limit: int = 0) -> list[SessionDecision]:
    """The session's decisions, oldest first (the newest `limit` when given)."""
    decision = SQLModel.metadata.tables["decision"]
    issue = SQLModel.metadata.tables["issue"]
    key = select(issue.c.key).where(issue.c.id == decision.c.target).scalar_subquery()
    query = select(
        decision.c.actor,
        decision.c.target,
        key,
        decision.c.action,
        decision.c.detail,
        decision.c.reason,
        decision.c.created_at,
    ).where(decision.c.session_id == session_id, decision.c.action != "undo")
    query = query.order_by(decision.c.id.desc())
    if limit:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    duplicates = [str((d or {}).get("value")) for *_, a, d, _, _ in rows if a == "duplicate"]
    canonical = issue_keys(conn, duplicates)
    found = []
    for actor, target, key, action, detail, reason, at in rows:
        detail = dict(detail or {})
        if action == "duplicate" and detail.get("value") in canonical:
            detail["value"] = f"of {canonical[detail['value']][0]}"
        undone = bool(detail.get("undone"))
        found.append(
            SessionDecision(actor, target, key or target, action, detail, reason, aware(at), undone)
        )
    return found[::-1]


def decided_items(conn: Connection, session: Session) -> list[str]:
    """The queue's items with a decision in this session that was applied and not undone."""
    decision = SQLModel.metadata.tables["decision"]
    query = select(decision.c.target, decision.c.detail).where(
        decision.c.session_id == session.id, decision.c.action != "undo"
    )
    rows = conn.execute(query)
    live = {target for target, d in rows if not {"undone", "stale"} & set(d or {})}
    return [item for item in session.queue if item in live]


def undone_here(conn: Connection, session_id: str, actor: str) -> str:
    """The item of `actor`'s newest decision when it is an undo made in this session."""
    decision = SQLModel.metadata.tables["decision"]
    query = (
        select(decision.c.target, decision.c.action, decision.c.session_id)
        .where(decision.c.actor == actor)
        .order_by(decision.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return str(row.target) if row and row.action == "undo" and row.session_id == session_id else ""


def issue_keys(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Issue id -> (key, summary) for the cached issues among `ids`."""
    issue = SQLModel.metadata.tables["issue"]
    wanted = list(ids)
    query = select(issue.c.id, issue.c.key, issue.c.summary).where(issue.c.id.in_(wanted))
    return {id: (key, summary) for id, key, summary in conn.execute(query)}


def cell(text: str) -> str:
    """Text that stays inside one Markdown table cell or list item."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def duration(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) of a number of seconds; negative ones keep their sign."""
    sign, whole = ("-" if seconds < 0 else ""), int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02}:{secs:02}" if hours else f"{sign}{minutes}:{secs:02}"


def render_summary(conn: Connection, session: Session, now: datetime) -> str:
    """The session as Markdown, to send to the team afterwards."""
    decisions = session_decisions(conn, session.id)
    names = issue_keys(conn, session.queue)

    def label(item: str) -> str:
        key, summary = names.get(item, (item, ""))
        return f"**{cell(key)}** {cell(summary)}".rstrip()

    lines = _heading(session, now)
    lines += _decision_table(decisions, names)
    for title, kind in (("Parked", "parked"), ("Skipped", "skipped")):
        items = session.items(kind)
        lines += [f"## {title} ({len(items)})", ""]
        lines += [f"- {label(item)}" for item in items] or ["None."]
        lines.append("")
    unseen = session.queue[session.position :]
    if unseen:
        lines += [f"## Not reached ({len(unseen)})", ""]
        lines += [f"- {label(item)}" for item in unseen] + [""]
    lines += _time_table(session, names, now)
    return "\n".join(lines).rstrip() + "\n"


def current_summary(store: Store, session: Session, now: datetime) -> str:
    """The stored summary of an ended session, else one rendered as of `now` (a preview)."""
    if session.summary:
        return session.summary
    with store.read() as conn:
        return render_summary(conn, session, now)


def write_summary(store: Store, session: Session, now: datetime, path: str | Path) -> Path:
    """Write the session's summary (see `current_summary`) to `path`; the file written."""
    target = Path(path).expanduser()
    target.write_text(current_summary(store, session, now), encoding="utf-8")
    return target


def _heading(session: Session, now: datetime) -> list[str]:
    seen = min(session.position, len(session.queue))
    decided = len(session.items("decided"))
    started = f"{session.started_at:%Y-%m-%d %H:%M} UTC" if session.started_at else "?"
    ended = f"{session.ended_at:%H:%M} UTC" if session.ended_at else "still running"
    others = ", ".join(cell(p) for p in session.participants) or "none"
    lines = [
        f"# Triage session: {cell(session.name)}",
        "",
        f"- Lead: {cell(session.lead)}; participants: {others}; decisions by: {session.policy}",
        f"- Queue: {len(session.queue)} issues"
        + (f" from view {cell(session.view)}" if session.view else ""),
        f"- Started {started}, ended {ended}",
        f"- Time: {duration(session.active_seconds(now))} of a "
        f"{session.timebox_minutes}-minute timebox",
        f"- Totals: {seen} of {len(session.queue)} items seen, {decided} decided, "
        f"{len(session.items('parked'))} parked, {len(session.items('skipped'))} skipped",
        "",
    ]
    return lines


def _decision_table(
    decisions: list[SessionDecision], names: dict[str, tuple[str, str]]
) -> list[str]:
    lines = [f"## Decisions ({len(decisions)})", ""]
    if not decisions:
        return [*lines, "None.", ""]
    lines += ["| Issue | Decision | Reason | By | At |", "|---|---|---|---|---|"]
    for d in decisions:
        at = f"{d.at:%H:%M}" if d.at else ""
        summary = names.get(d.item, ("", ""))[1]
        issue = f"{cell(d.key)} {cell(summary)[:60]}".rstrip()
        lines.append(f"| {issue} | {cell(d.what())} | {cell(d.reason)} | {cell(d.actor)} | {at} |")
    return [*lines, ""]


def _time_table(session: Session, names: dict[str, tuple[str, str]], now: datetime) -> list[str]:
    spent = [(item, session.item_seconds(item, now)) for item in session.queue]
    spent = [(item, seconds) for item, seconds in spent if seconds >= 1]
    lines = ["## Time per item", ""]
    if not spent:
        return [*lines, "None.", ""]
    lines += ["| Issue | Time |", "|---|---:|"]
    lines += [f"| {cell(names.get(i, (i, ''))[0])} | {duration(s)} |" for i, s in spent]
    average = sum(s for _, s in spent) / len(spent)
    return [*lines, "", f"Average {duration(average)} per item seen.", ""]
