"""Inbox: feedback waiting to be processed, with who sent it and what it says."""

from textual.content import Content

from prodops_tui.models.enums import FeedbackState
from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.columns import DAY_WIDTH, ColumnSpec, count, day, money, number
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

COLUMNS = (
    ColumnSpec("kind", "Kind", 6),
    ColumnSpec("subject", "Subject", 24, flex=True),
    ColumnSpec("requester", "Requester", 14, drop=1),
    ColumnSpec("org_name", "Org", 14, drop=2),
    ColumnSpec("org_tier", "Tier", 10, drop=4),
    ColumnSpec("org_arr", "ARR", 9, align="right", formatter=money, drop=3),
    ColumnSpec("channel", "Channel", 7, drop=8),
    ColumnSpec("tags", "Tags", 12, drop=7),
    ColumnSpec("score", "Score", 5, align="right", formatter=number, drop=6),
    ColumnSpec("state", "State", 9, drop=9),
    ColumnSpec("linked_issues", "Links", 5, align="right", formatter=count, drop=5),
    ColumnSpec("updated", "Updated", DAY_WIDTH, formatter=day),
)
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
        "linked_issues",
        "created",
        "body",
    ),
)


def render_feedback(row: Row) -> Content:
    """Subject, the requester and their org, then the body as plain text."""
    (
        _,
        subject,
        kind,
        who,
        email,
        org,
        tier,
        arr,
        channel,
        tags,
        score,
        state,
        links,
        created,
        body,
    ) = row
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
        ("State", state),
        ("Linked", links),
        ("Created", created),
    ]
    lines = [safe_text(subject).stylize("bold")]
    lines += [
        Content.assemble((f"{label:<8}", "$text-muted"), safe_value(value))
        for label, value in facts
        if value not in (None, "")
    ]
    lines += [Content(""), safe_value(body)]
    return Content("\n").join(lines)


class InboxScreen(ListScreen):
    """New feedback first: tickets, CSAT and NPS responses with their org's tier and ARR."""

    CSS_PATH = "inbox.tcss"

    def __init__(self, workspace: Workspace) -> None:
        query = ListQuery(
            "feedback",
            tuple(c.key for c in COLUMNS),
            filters=(("state", FeedbackState.NEW.value),),
        )
        super().__init__(
            workspace, ListSpec(query, COLUMNS, DETAIL, render_feedback, "new feedback")
        )
