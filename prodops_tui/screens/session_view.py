"""What the session screen draws: the status line (timer, progress), the issue card, who decided
what, as literal Content (every remote string through safe_text)."""

from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from prodops_tui.services.session_state import Session
from prodops_tui.widgets.safe_text import safe_text, safe_value

if TYPE_CHECKING:
    from prodops_tui.services.session_card import Card
    from prodops_tui.services.session_summary import SessionDecision

BAR = 10
"""Cells of the progress bar."""
NAME = 20
"""Characters of the session's name on the status line."""
DOTS = {1: "●○○", 2: "●●○", 3: "●●●"}
"""Evidence importance: nice-to-have, important, blocker."""


def clock_text(seconds: float) -> str:
    whole = int(abs(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02}"


def status_line(session: Session, now: datetime, actor: str) -> Content:
    """Name, n of m with a bar, time left of the timebox, time on this item, state, role."""
    total = max(len(session.queue), 1)
    done = round(BAR * min(session.position, total) / total)
    left = session.seconds_left(now)
    timer = (
        (f"{clock_text(left)} left", "bold")
        if left >= 0
        else (f"over {clock_text(left)}", "bold $text-error")
    )
    item = session.item_seconds(session.current_item, now) if session.current_item else 0.0
    state = {"paused": ("PAUSED ", "bold $text-warning"), "ended": ("ENDED ", "bold $text-muted")}
    name = session.name if len(session.name) <= NAME else session.name[: NAME - 1] + "…"
    return Content.assemble(
        state.get(session.state, ("", "")),
        safe_text(name).stylize("bold $text-accent"),
        "  ",
        (session.counter(), "bold"),
        " ",
        ("█" * done, "$text-success"),
        ("░" * (BAR - done), "$text-muted"),
        "  ⏱ ",
        timer,
        ("  item ", "$text-muted"),
        clock_text(item),
        ("" if actor == session.lead else f"  {_follower_role(session)}", "$text-muted"),
    )


def _follower_role(session: Session) -> str:
    if session.policy == "lead":
        return f"following {session.lead}"
    return "participant"


def card_head(card: "Card") -> Content:
    return Content.assemble(
        safe_text(card.key).stylize("bold $text-accent"),
        "  ",
        safe_text(card.summary).stylize("bold"),
    )


def card_facts(card: "Card") -> Content:
    """Status, priority, score, triage state, assignee and labels on one or two lines."""
    facts = [
        ("Status", card.status),
        ("Priority", card.priority),
        ("Score", f"{card.score:g}" if card.score is not None else "-"),
        ("Triage", card.triage_state),
        ("Assignee", card.assignee or "unassigned"),
        ("Labels", ", ".join(card.labels) or "-"),
    ]
    parts: list[Content] = []
    for label, value in facts:
        parts.append(Content.assemble((f"{label} ", "$text-muted"), safe_value(value), "   "))
    if card.deleted:
        parts.append(Content("deleted in Jira").stylize("bold $text-error"))
    return Content("").join(parts)


def card_evidence(card: "Card") -> Content:
    """The evidence count, then the strongest quotes with who said them."""
    if not card.evidence:
        return Content("No linked feedback yet").stylize("$text-muted")
    lines = [Content.assemble((f"Evidence: {card.evidence} linked", "bold"))]
    for quote in card.quotes:
        who = ", ".join(part for part in (quote.requester, quote.org) if part)
        lines.append(
            Content.assemble(
                (DOTS.get(quote.importance, DOTS[1]) + " ", "$text-warning"),
                safe_text(f"“{quote.text}”"),
                (f" — {who}" if who else "", "$text-muted"),
            )
        )
    return Content("\n").join(lines)


def log_line(session: Session, decisions: "list[SessionDecision]") -> Content:
    """Who decided what, newest last, and the last step anyone took."""
    parts = [
        Content.assemble(
            safe_text(d.actor).stylize("bold"),
            " ",
            safe_text(f"{d.key}: {d.what()}"),
            safe_text(f" ({d.reason})" if d.reason else "").stylize("$text-muted"),
        )
        for d in decisions
    ]
    line = Content(" · ").join(parts) if parts else Content("No decisions yet")
    last = session.progress.get("last")
    if isinstance(last, dict) and last.get("action") not in (None, "decided"):
        step = f"{last.get('actor', '')} {last.get('action', '')}"
        line = Content.assemble(line, ("   last: ", "$text-muted"), safe_text(step))
    return line


def finished_card(session: Session) -> Content:
    """What the card area says once every item of the queue was seen."""
    return Content.assemble(
        ("Every item of the queue was seen.", "bold"),
        "\n\n",
        f"{len(session.items('decided'))} decided, {len(session.items('parked'))} parked, "
        f"{len(session.items('skipped'))} skipped.\n\n",
        ("E", "bold $text-accent"),
        " ends the session and writes its summary.",
    )
