"""Backlog: the cached Jira issues, newest first, with the selected issue's description."""

from textual.content import Content

from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.columns import MINUTE_WIDTH, ColumnSpec, count, minute, number
from prodops_tui.widgets.detail_pane import Detail
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

COLUMNS = (
    ColumnSpec("key", "Key", 9),
    ColumnSpec("type", "Type", 7, drop=2),
    ColumnSpec("summary", "Summary", 20, flex=True),
    ColumnSpec("status", "Status", 11),
    ColumnSpec("priority", "Priority", 8),
    ColumnSpec("assignee", "Assignee", 12, drop=3),
    ColumnSpec("labels", "Labels", 12, drop=6),
    ColumnSpec("score", "Score", 5, align="right", formatter=number, drop=4),
    ColumnSpec("evidence_count", "Evid.", 5, align="right", formatter=count, drop=5),
    ColumnSpec("updated", "Updated", MINUTE_WIDTH, formatter=minute),
)
DETAIL = ListQuery(
    "issue",
    (
        "key",
        "summary",
        "type",
        "status",
        "priority",
        "assignee",
        "labels",
        "triage_state",
        "estimate",
        "score",
        "evidence_count",
        "description_md",
    ),
)


def render_issue(row: Row) -> Detail:
    """The issue's headline facts, then its description rendered as Markdown."""
    _, key, summary, kind, status, priority, assignee, labels, triage, estimate, score, ev, md = row
    facts = [
        ("Type", kind),
        ("Status", status),
        ("Priority", priority),
        ("Assignee", assignee),
        ("Labels", labels),
        ("Triage", triage),
        ("Estimate", estimate),
        ("Score", score),
        ("Evidence", ev),
    ]
    lines = [
        Content.assemble(
            safe_text(key).stylize("bold $text-accent"), " ", safe_text(summary).stylize("bold")
        )
    ]
    lines += [
        Content.assemble((f"{label:<9}", "$text-muted"), safe_value(value))
        for label, value in facts
        if value not in (None, "")
    ]
    return Detail(Content("\n").join(lines), md or "")


class BacklogScreen(ListScreen):
    """Every cached issue, filterable by the full-text index, with its description beside it."""

    CSS_PATH = "backlog.tcss"

    def __init__(self, workspace: Workspace) -> None:
        query = ListQuery("issue", tuple(c.key for c in COLUMNS))
        super().__init__(workspace, ListSpec(query, COLUMNS, DETAIL, render_issue, "issues"))
