"""The Inbox's reading pane: the item's facts and text, its thread, links and suggestions."""

from typing import TYPE_CHECKING, Any

from textual.content import Content

from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.safe_text import safe_text, safe_value

if TYPE_CHECKING:
    from prodops_tui.services.feedback_thread import Reading
    from prodops_tui.services.similarity import Suggestion

MAX_SHOWN = 20_000
"""Characters of one body or comment drawn in the pane (a 1 MB ticket stays responsive)."""
IMPORTANCE = {1: "+1", 2: "+2", 3: "+3"}

DETAIL = ListQuery(
    "feedback",
    (
        "subject",
        "kind",
        "requester",
        "requester_email",
        "org_name",
        "org_tier",
        "org_arr",
        "channel",
        "tags",
        "score",
        "state",
        "snoozed_until",
        "linked_issues",
        "created",
        "body",
    ),
)


def clipped(text: Any) -> Content:
    """Remote text as literal Content, cut at MAX_SHOWN characters with a note."""
    value = "" if text is None else str(text)
    if len(value) <= MAX_SHOWN:
        return safe_text(value)
    rest = f"\n… {len(value) - MAX_SHOWN:,} more characters"
    return safe_text(value[:MAX_SHOWN]) + Content(rest).stylize("$text-muted")


def render_feedback(row: Row) -> Content:
    """Subject, the requester and their org, the score or verbatim, then the body as plain text."""
    _, subject, kind, who, email, org, tier, arr, channel, tags, score = row[:11]
    state, snoozed, links, created, body = row[11:]
    facts = [
        ("Kind", kind),
        ("From", who),
        ("Email", email),
        ("Org", org),
        ("Tier", tier),
        ("ARR", f"{arr:,.0f}" if arr is not None else None),
        ("Channel", channel),
        ("Tags", tags),
        ("Score", score),
        ("State", f"{state} until {snoozed[:10]}" if snoozed else state),
        ("Linked", links),
        ("Created", created),
    ]
    lines = [safe_text(subject).stylize("bold")]
    lines += [
        Content.assemble((f"{label:<8}", "$text-muted"), safe_value(value))
        for label, value in facts
        if value not in (None, "")
    ]
    lines += [Content(""), clipped(body)]
    return Content("\n").join(lines)


def _heading(text: str) -> list[Content]:
    return [Content(""), Content(text).stylize("bold $text-accent")]


def render_reading(
    item: "Reading", issues: "list[Suggestion]", twins: "list[Suggestion]", note: str = ""
) -> Content:
    """Links, suggestions (the first one is `a`), likely duplicates, then the thread."""
    lines: list[Content] = []
    if item.links:
        lines += _heading("Evidence for")
        for link in item.links:
            lines.append(
                Content.assemble(
                    safe_text(link.key).stylize("bold"),
                    f" {IMPORTANCE.get(link.importance, '')} ",
                    safe_text(link.summary),
                )
            )
            if link.quote:
                lines.append(Content.assemble("  “", safe_text(link.quote), "”"))
    if issues:
        lines += _heading("Likely issue (a links the first, l picks)")
        lines += [_suggestion(s) for s in issues]
    if twins:
        lines += _heading("Likely duplicates")
        lines += [_suggestion(s) for s in twins]
    lines += _thread(item, note)
    return Content("\n").join(lines)


def _suggestion(item: "Suggestion") -> Content:
    label = item.key or item.id.rsplit(":", 2)[-2] + " " + item.id.rsplit(":", 1)[-1]
    return Content.assemble(
        safe_text(label).stylize("$text-accent"),
        (f" {item.score:.2f} ", "$text-muted"),
        safe_text(item.title),
    )


def _thread(item: "Reading", note: str) -> list[Content]:
    if not item.comments and not note:
        return []
    lines = _heading(f"Thread ({len(item.comments)})")
    if note:
        lines.append(safe_text(note[:300]).stylize("$text-muted"))
    for comment in item.comments:
        when = str(comment.get("created") or "")[:16]
        private = "" if comment.get("public") else " · internal note"
        lines.append(
            Content.assemble(
                safe_text(str(comment.get("author") or "?")).stylize("bold"),
                (f" · {when}{private}", "$text-muted"),
            )
        )
        lines += [clipped(comment.get("body")), Content("")]
    return lines
