"""The Backlog's detail pane: the issue's facts and description (fast read path), then its
comments, linked feedback, linked experiments and recent decisions (read in a worker)."""

from typing import TYPE_CHECKING, Any

from textual.content import Content

from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.detail_pane import Detail
from prodops_tui.widgets.safe_text import safe_text, safe_value

if TYPE_CHECKING:
    from prodops_tui.services.issue_context import IssueContext

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
        "id",
    ),
)


def render_issue(row: Row) -> Detail:
    """The issue's headline facts, then its description rendered as Markdown."""
    _, key, summary, kind, status, priority, assignee, labels, triage, estimate, score, ev = row[
        :12
    ]
    md = row[12]
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


def _heading(text: str) -> Content:
    return Content(text).stylize("bold $text-primary")


def _line(*parts: Any) -> Content:
    return Content.assemble(
        *(p if isinstance(p, Content | tuple) else safe_value(p) for p in parts)
    )


def render_context(context: "IssueContext") -> Content:
    """Comments, linked feedback, experiments and recent changes, every value literal."""
    lines: list[Content] = [_heading(f"Comments ({len(context.comments)})")]
    for c in context.comments:
        lines.append(_line((f"{c.when} ", "$text-muted"), safe_text(c.author).stylize("bold")))
        lines += [_line("  ", text) for text in c.body.splitlines()[:6] or [""]]
    if context.comments_note:
        lines.append(Content(context.comments_note).stylize("$text-muted"))
    lines.append(_heading(f"Linked feedback ({len(context.feedback)})"))
    for f in context.feedback:
        arr = f" · ARR {f.arr:,.0f}" if f.arr else ""
        who = f"{f.requester} · {f.org}{arr}" if f.org else f.requester
        lines.append(_line(("!" * f.importance).ljust(3), safe_text(who).stylize("bold")))
        lines.append(_line("  “", f.text, "”"))
    lines.append(_heading(f"Experiments ({len(context.experiments)})"))
    lines += [
        _line(e.name, (f"  {e.status}  {e.result}", "$text-muted")) for e in context.experiments
    ]
    lines.append(_heading("Recent changes"))
    for d in context.decisions:
        why = f" — {d.reason}" if d.reason else ""
        lines.append(
            _line((f"{d.when} ", "$text-muted"), d.actor, " ", d.action, " ", d.detail, why)
        )
    return Content("\n").join(lines)
