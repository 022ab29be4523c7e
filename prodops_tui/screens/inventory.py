"""Tools: the team's tool stack with seats, cost and renewals coming up."""

from datetime import date

from textual.content import Content

from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.reads import ListQuery, Reader, Row
from prodops_tui.widgets.columns import DAY_WIDTH, ColumnSpec, due, money, number
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

CHUNK = 256
DETAIL = ListQuery(
    "tool",
    (
        "name",
        "category",
        "owner",
        "status",
        "seats_bought",
        "seats_used",
        "monthly_cost",
        "renewal_date",
        "connection_id",
        "notes",
    ),
)
TOTALS = ListQuery("tool", ("status", "seats_bought", "seats_used", "monthly_cost"))


def columns(today: date) -> tuple[ColumnSpec, ...]:
    return (
        ColumnSpec("name", "Name", 20, flex=True),
        ColumnSpec("category", "Category", 16, drop=1),
        ColumnSpec("owner", "Owner", 16, drop=2),
        ColumnSpec("seats_bought", "Seats", 6, align="right", formatter=number),
        ColumnSpec("seats_used", "Used", 6, align="right", formatter=number),
        ColumnSpec("monthly_cost", "Monthly", 9, align="right", formatter=money),
        ColumnSpec("renewal_date", "Renewal", DAY_WIDTH, formatter=due(today)),
        ColumnSpec("status", "Status", 10),
    )


def render_tool(row: Row) -> Content:
    """The tool's owner, seats, cost, renewal and notes."""
    _, name, category, owner, status, bought, used, cost, renewal, connection, notes = row
    facts = [
        ("Category", safe_value(category)),
        ("Owner", safe_value(owner)),
        ("Status", safe_value(status)),
        ("Seats", Content(f"{used:,} used of {bought:,}")),
        ("Monthly", Content(f"{cost:,.0f}")),
        ("Renewal", safe_value(renewal)),
        ("Connector", safe_value(connection)),
    ]
    lines = [safe_text(name).stylize("bold")]
    lines += [
        Content.assemble((f"{label:<10}", "$text-muted"), value)
        for label, value in facts
        if value.plain
    ]
    lines += [Content(""), safe_value(notes)]
    return Content("\n").join(lines)


def totals(reader: Reader) -> Content:
    """Monthly cost and unused seats over the tools still in use (not retired)."""
    seqs = reader.snapshot(TOTALS)
    cost, unused, tools = 0.0, 0, 0
    for start in range(0, len(seqs), CHUNK):
        for _, status, bought, used, monthly in reader.rows(TOTALS, seqs[start : start + CHUNK]):
            if status != "retired":
                tools += 1
                cost += monthly or 0.0
                unused += max((bought or 0) - (used or 0), 0)
    return Content.assemble(
        ("Monthly cost ", "$text-muted"),
        (f"{cost:,.0f}", "bold"),
        ("   Unused seats ", "$text-muted"),
        (f"{unused:,}", "bold"),
        (f"   over {tools:,} tools in use", "$text-muted"),
    )


class ToolsScreen(ListScreen):
    """The tool inventory; renewals within 30 days stand out, within 90 days are marked."""

    CSS_PATH = "inventory.tcss"

    def __init__(self, workspace: Workspace) -> None:
        cols = columns(workspace.today())
        query = ListQuery("tool", tuple(c.key for c in cols))
        hint = "Filter: every word in name, category, owner or notes"
        spec = ListSpec(query, cols, DETAIL, render_tool, "tools", filter_hint=hint, summary=totals)
        super().__init__(workspace, spec)
